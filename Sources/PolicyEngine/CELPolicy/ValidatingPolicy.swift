/// The kinds of ``ValidatingPolicy``.
public enum ValidatingPolicyKind: String, Sendable, Hashable {
    case validatingPolicy = "ValidatingPolicy"
    case namespacedValidatingPolicy = "NamespacedValidatingPolicy"
}

/// A Kyverno `ValidatingPolicy` or `NamespacedValidatingPolicy` (`policies.kyverno.io` v1, v1beta1, v1alpha1):
/// CEL validations over the resources its `matchConstraints` select, reported as one result per resource.
public typealias ValidatingPolicy = KyvernoPolicy<ValidatingPolicyKind, ValidatingPolicySpec>

/// `spec` of a ValidatingPolicy, with Kyverno's defaults applied.
public struct ValidatingPolicySpec: Sendable {
    /// `matchConstraints`; a policy without them matches nothing (Kyverno's engine).
    public var matchConstraints: AdmissionMatchResources?
    public var matchConditions: [NamedCELExpression]
    public var variables: [NamedCELExpression]
    public var validations: [CELValidation]
    public var auditAnnotations: [CELAuditAnnotation]
    /// `validationActions`: `Deny`, `Audit`, `Warn`; `[Deny]` when empty.
    public var validationActions: [String]
    /// `failurePolicy`, `Fail` by default: with `Ignore`, match conditions that cannot be evaluated mean
    /// "does not match" instead of an error.
    public var failurePolicy: FailurePolicy
    /// `evaluation.background.enabled`, true by default: only such policies run in the background scan.
    public var backgroundEnabled: Bool
    /// `evaluation.admission.enabled`, true by default.
    public var admissionEnabled: Bool
    /// `evaluation.mode`: `Kubernetes` (default) or `JSON` (any payload, no match constraints).
    public var evaluationMode: String
    /// `autogen.podControllers.controllers`; nil generates for every Pod controller.
    public var autogenControllers: [String]?
}

/// A named CEL expression: a match condition or a variable.
public struct NamedCELExpression: Sendable, Hashable {
    public var name: String
    public var expression: String

    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }
}

/// One CEL validation: the expression must be true; otherwise the message explains why.
public struct CELValidation: Sendable, Hashable {
    public var expression: String
    public var message: String?
    public var messageExpression: String?
    public var reason: String?

    public init(expression: String, message: String? = nil, messageExpression: String? = nil, reason: String? = nil) {
        self.expression = expression
        self.message = message
        self.messageExpression = messageExpression
        self.reason = reason
    }
}

/// One `auditAnnotations` entry: a key and a CEL expression that yields its value (a string or null).
public struct CELAuditAnnotation: Sendable, Hashable {
    public var key: String
    public var valueExpression: String
}

/// An admission-style `MatchResources` (`admissionregistration.k8s.io/v1`), as ValidatingPolicies and
/// ValidatingAdmissionPolicies use it.
public struct AdmissionMatchResources: Sendable {
    public var namespaceSelector: LabelSelector?
    public var objectSelector: LabelSelector?
    public var resourceRules: [AdmissionResourceRule]
    public var excludeResourceRules: [AdmissionResourceRule]
    /// `Equivalent` (default) or `Exact`.
    public var matchPolicy: String

    public init(
        namespaceSelector: LabelSelector? = nil, objectSelector: LabelSelector? = nil,
        resourceRules: [AdmissionResourceRule] = [], excludeResourceRules: [AdmissionResourceRule] = [],
        matchPolicy: String = "Equivalent"
    ) {
        self.namespaceSelector = namespaceSelector
        self.objectSelector = objectSelector
        self.resourceRules = resourceRules
        self.excludeResourceRules = excludeResourceRules
        self.matchPolicy = matchPolicy
    }
}

/// A `NamedRuleWithOperations`: groups, versions, resources (`pods`, `pods/status`, `*`, `*/scale`), operations,
/// optional resource names and scope.
public struct AdmissionResourceRule: Sendable, Hashable {
    public var apiGroups: [String]
    public var apiVersions: [String]
    public var resources: [String]
    public var operations: [String]
    public var resourceNames: [String]
    /// `*` (default), `Namespaced` or `Cluster`.
    public var scope: String

    public init(
        apiGroups: [String], apiVersions: [String], resources: [String], operations: [String],
        resourceNames: [String] = [], scope: String = "*"
    ) {
        self.apiGroups = apiGroups
        self.apiVersions = apiVersions
        self.resources = resources
        self.operations = operations
        self.resourceNames = resourceNames
        self.scope = scope
    }
}
