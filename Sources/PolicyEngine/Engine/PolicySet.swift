public import JSONValue

/// A set of compiled policies indexed by the kinds their rules match, so one resource is evaluated only
/// against the policies that can match it.
public struct PolicySet: Sendable {
    public let policies: [CompiledPolicy]
    private let byKind: [String: [Int]]
    private let anyKind: [Int]

    public init(_ policies: [CompiledPolicy]) {
        self.policies = policies
        var byKind: [String: [Int]] = [:]
        var anyKind: [Int] = []
        for (index, policy) in policies.enumerated() {
            let kinds = policy.matchedKinds
            if kinds.contains("*") {
                anyKind.append(index)
            } else {
                for kind in kinds { byKind[kind, default: []].append(index) }
            }
        }
        self.byKind = byKind
        self.anyKind = anyKind
    }

    /// The policies whose rules may match a resource of `kind`, in the order they were given.
    public func policies(forKind kind: String) -> [CompiledPolicy] {
        let indices = Set(byKind[kind, default: []]).union(anyKind)
        return indices.sorted().map { policies[$0] }
    }

    /// Every kind some policy names; `*` when a policy matches any kind.
    public var kinds: Set<String> {
        var kinds = Set(byKind.keys)
        if !anyKind.isEmpty { kinds.insert("*") }
        return kinds
    }

    /// Evaluates every policy that may match the resource, honouring `exceptions`.
    public func evaluate(
        _ resource: JSONValue, evaluator: PolicyEvaluator, provider: any ContextProvider,
        values: VariableValues = VariableValues(), exceptions: [PolicyException] = []
    ) async -> [PolicyEvaluation] {
        let kind = resource["kind"]?.stringValue ?? ""
        var evaluations: [PolicyEvaluation] = []
        for policy in policies(forKind: kind) {
            let evaluation = await evaluator.evaluate(
                policy, resource: resource, provider: provider, values: values, exceptions: exceptions)
            if !evaluation.results.isEmpty { evaluations.append(evaluation) }
        }
        return evaluations
    }
}
