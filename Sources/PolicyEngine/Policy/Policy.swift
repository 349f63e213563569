public import JSONValue

/// A Kyverno policy object as decoded: its kind, identity and metadata, the kind's `spec` with Kyverno's
/// defaults applied, and the document as it was given. ``Policy`` and ``ValidatingPolicy`` are its two
/// families.
public struct KyvernoPolicy<Kind: RawRepresentable & Sendable & Hashable, Spec: Sendable>: Sendable
where Kind.RawValue == String {
    public var kind: Kind
    public var apiVersion: String
    public var name: String
    /// The namespace of a namespaced kind (`Policy`, `NamespacedValidatingPolicy`); nil for a cluster-scoped
    /// one.
    public var namespace: String?
    public var annotations: [String: String]
    public var labels: [String: String]
    public var resourceVersion: String?
    public var spec: Spec
    /// The document as it was given.
    public var document: JSONValue
}

extension KyvernoPolicy: ReportedPolicy {}

/// The kinds of ``Policy``.
public enum PolicyKind: String, Sendable, Hashable {
    case clusterPolicy = "ClusterPolicy"
    case policy = "Policy"
}

/// A Kyverno `ClusterPolicy` or `Policy` (`kyverno.io/v1` or `kyverno.io/v2beta1`), decoded with Kyverno's
/// defaults.
public typealias Policy = KyvernoPolicy<PolicyKind, PolicySpec>

/// What reports read from any Kyverno policy kind (ClusterPolicy, Policy, ValidatingPolicy, ...): its name,
/// namespace and annotations.
public protocol ReportedPolicy {
    var name: String { get }
    /// The namespace of a namespaced kind; nil for a cluster-scoped one.
    var namespace: String? { get }
    var annotations: [String: String] { get }
}

extension ReportedPolicy {
    /// The name reports use: `name`, or `namespace/name` for a namespaced policy (Kyverno's
    /// `MetaNamespaceKey`).
    public var reportName: String {
        if let namespace, !namespace.isEmpty { return namespace + "/" + name }
        return name
    }

    /// `policies.kyverno.io/scored`: false turns failures into warnings in reports.
    public var scored: Bool { annotations[PolicyAnnotation.scored] != "false" }

    /// `policies.kyverno.io/category`, when set.
    public var category: String? { annotations[PolicyAnnotation.category] }

    /// `policies.kyverno.io/severity` when it is one of Kyverno's severities (critical, high, medium, low,
    /// info); other values are dropped as Kyverno drops them.
    public var severity: String? {
        guard let value = annotations[PolicyAnnotation.severity] else { return nil }
        return ["critical", "high", "medium", "low", "info"].contains(value) ? value : nil
    }
}

/// Annotation keys Kyverno reads from policies.
public enum PolicyAnnotation {
    public static let autogenControllers = "pod-policies.kyverno.io/autogen-controllers"
    public static let scored = "policies.kyverno.io/scored"
    public static let category = "policies.kyverno.io/category"
    public static let severity = "policies.kyverno.io/severity"
}

/// `spec` of a policy, with Kyverno's defaults applied.
public struct PolicySpec: Sendable {
    /// `spec.background`; nil and missing mean true.
    public var background: Bool
    /// `spec.admission`; defaults to true.
    public var admission: Bool
    /// `spec.validationFailureAction`, `Audit` by default.
    public var validationFailureAction: FailureAction
    public var validationFailureActionOverrides: [FailureActionOverride]
    /// `spec.failurePolicy`, `Fail` by default (admission webhooks; in background scans `Ignore` turns failed
    /// image lookups into `skip`, see ``PolicyEvaluator/ignoreSkipsImageLookupErrors``).
    public var failurePolicy: FailurePolicy
    /// `spec.applyRules`: `All` (default) or `One` (stop after the first rule that applied).
    public var applyRules: ApplyRules
    public var rules: [Rule]
}

/// What happens to a resource that fails validation: `Audit` reports it, `Enforce` blocks it at admission.
public enum FailureAction: String, Sendable, Hashable {
    case audit = "Audit"
    case enforce = "Enforce"

    /// The accepted spellings, as decoding errors name them.
    static let spellings = "Audit or Enforce"

    /// Parses Kyverno's accepted spellings (`audit`/`Audit`, `enforce`/`Enforce`).
    init?(spelling: String) {
        switch spelling {
        case "Audit", "audit": self = .audit
        case "Enforce", "enforce": self = .enforce
        default: return nil
        }
    }
}

/// One entry of `validationFailureActionOverrides`: an action for some namespaces.
public struct FailureActionOverride: Sendable, Hashable {
    public var action: FailureAction
    public var namespaces: [String]
    public var namespaceSelector: LabelSelector?
}

public enum FailurePolicy: String, Sendable, Hashable {
    case fail = "Fail"
    case ignore = "Ignore"
}

public enum ApplyRules: String, Sendable, Hashable {
    case all = "All"
    case one = "One"
}
