public import JSONValue

/// A Kubernetes `ValidatingAdmissionPolicy` (`admissionregistration.k8s.io/v1`): CEL validations over the
/// resources its `matchConstraints` select, applied where a ``ValidatingAdmissionPolicyBinding`` binds it.
public struct ValidatingAdmissionPolicy: Sendable {
    public var apiVersion: String
    public var name: String
    public var annotations: [String: String]
    public var labels: [String: String]
    public var resourceVersion: String?
    public var spec: ValidatingAdmissionPolicySpec
    /// The document as it was given.
    public var document: JSONValue

    /// The label that opts a policy into Kyverno's background reports (`reports.kyverno.io/enabled: "true"`).
    public static let reportsEnabledLabel = "reports.kyverno.io/enabled"

    /// Whether Kyverno's reports controller reports this policy: only when labelled
    /// `reports.kyverno.io/enabled: "true"` (`getIncludeReportingLabelRequirement`).
    public var reportsEnabled: Bool { labels[Self.reportsEnabledLabel] == "true" }
}

extension ValidatingAdmissionPolicy: ReportedPolicy {
    /// Cluster-scoped.
    public var namespace: String? { nil }
}

/// `spec` of a ValidatingAdmissionPolicy, with Kubernetes' defaults applied.
public struct ValidatingAdmissionPolicySpec: Sendable {
    /// `paramKind` (`apiVersion`, `kind`): the kind of the parameter objects bindings refer to; `params` is
    /// declared to the expressions only when it is set.
    public var paramKind: (apiVersion: String, kind: String)?
    /// `matchConstraints`; required by the API, a policy without them matches nothing.
    public var matchConstraints: AdmissionMatchResources?
    public var matchConditions: [NamedCELExpression]
    public var variables: [NamedCELExpression]
    public var validations: [CELValidation]
    public var auditAnnotations: [CELAuditAnnotation]
    /// `failurePolicy`, `Fail` by default: with `Ignore`, match conditions that cannot be evaluated mean
    /// "does not match".
    public var failurePolicy: FailurePolicy
}

/// A `ValidatingAdmissionPolicyBinding` (`admissionregistration.k8s.io/v1`): binds a policy by name,
/// optionally narrowing the resources (`matchResources`) and naming parameter objects (`paramRef`).
public struct ValidatingAdmissionPolicyBinding: Sendable {
    public var name: String
    public var labels: [String: String]
    public var resourceVersion: String?
    /// `spec.policyName`.
    public var policyName: String
    public var paramRef: ParamReference?
    /// `spec.matchResources`; nil selects everything the policy selects.
    public var matchResources: AdmissionMatchResources?
    /// `Deny`, `Warn`, `Audit`: what an admission failure does. Kyverno's reports ignore them (a failure is a
    /// `fail` result whatever they say); kept for display.
    public var validationActions: [String]
    /// The document as it was given.
    public var document: JSONValue
}
