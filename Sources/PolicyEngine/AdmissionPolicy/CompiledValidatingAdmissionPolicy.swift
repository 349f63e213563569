import CEL

/// A ValidatingAdmissionPolicy prepared for evaluation: its match conditions, variables and validations
/// compiled in Kubernetes' CEL environment (`params` declared only when the policy has a `paramKind`, no
/// `authorizer`, none of Kyverno's libraries, as Kyverno's `admissionpolicy.NewCompiler` builds it).
///
/// An expression that does not compile keeps its compile error, which Kubernetes' validator reports as that
/// expression's evaluation error (`compilation error: …`), so building one never fails. Audit annotations
/// are not compiled: Kyverno's reports only read the validator's decisions.
public struct CompiledValidatingAdmissionPolicy: Sendable {
    public let policy: ValidatingAdmissionPolicy
    let programs: CELRulePrograms

    public init(_ policy: ValidatingAdmissionPolicy) {
        self.policy = policy
        let spec = policy.spec
        programs = CELRulePrograms(
            preconditions: spec.matchConditions, variables: spec.variables, expressions: spec.validations,
            environment: spec.paramKind == nil ? Self.environment : Self.environmentWithParams)
    }

    /// Kubernetes' base environment for stored expressions with the admission variables but `params`.
    static let environment = CELEnvironment.kubernetes(
        variables: CELEnvironment.kubernetesVariables.filter { $0 != "params" } + ["variables"])
    /// The same with `params`.
    static let environmentWithParams = CELEnvironment.kubernetes(
        variables: CELEnvironment.kubernetesVariables + ["variables"])

    /// The resources (plural names, `*` for any) the policy's `matchConstraints` may select; bindings only
    /// narrow them. Used to index policies; matching itself uses the full constraints.
    public var matchedResources: Set<String> {
        guard let match = policy.spec.matchConstraints else { return [] }
        if match.resourceRules.isEmpty { return ["*"] }
        var resources: Set<String> = []
        for rule in match.resourceRules {
            for resource in rule.resources { resources.insert(String(resource.split(separator: "/").first ?? "*")) }
        }
        return resources
    }
}
