import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct PolicySetTests {
    private func compiled(_ name: String, kinds: String) throws -> CompiledPolicy {
        try CompiledPolicy(
            policy(
                clusterPolicy(
                    name: name,
                    rules:
                        #"[{"name": "r", "match": {"any": [{"resources": {"kinds": \#(kinds)}}]}, "validate": {"deny": {}}}]"#
                )))
    }

    @Test func indexesByKindIncludingAutogenKinds() throws {
        let set = PolicySet([
            try compiled("pods", kinds: #"["Pod"]"#), try compiled("services", kinds: #"["v1/Service"]"#),
            try compiled("everything", kinds: #"["*"]"#),
        ])
        #expect(set.policies(forKind: "Pod").map(\.policy.name) == ["pods", "everything"])
        #expect(set.policies(forKind: "Deployment").map(\.policy.name) == ["pods", "everything"])
        #expect(set.policies(forKind: "CronJob").map(\.policy.name) == ["pods", "everything"])
        #expect(set.policies(forKind: "Service").map(\.policy.name) == ["services", "everything"])
        #expect(set.policies(forKind: "ConfigMap").map(\.policy.name) == ["everything"])
        #expect(set.kinds.isSuperset(of: ["Pod", "Deployment", "CronJob", "Service", "*"]))
    }

    @Test func evaluatesOnlyMatchingPolicies() async throws {
        let set = PolicySet([
            try compiled("pods", kinds: #"["Pod"]"#), try compiled("services", kinds: #"["Service"]"#),
        ])
        let evaluations = await set.evaluate(
            pod(spec: #"{"containers": []}"#), evaluator: PolicyEvaluator(queries: .kyverno()),
            provider: EmptyContextProvider())
        #expect(evaluations.map(\.policyName) == ["pods"])
        #expect(evaluations.first?.results.first?.message == "validation error: rule r failed")
    }
}

@Suite struct ExpressionPreparationTests {
    @Test func expressionsAreCollectedAndCompiledAtLoad() throws {
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: """
                        [{"name": "r", "match": {"any": [{"resources": {"kinds": ["ConfigMap"]}}]},
                          "context": [{"name": "n", "variable": {"jmesPath": "request.object.data | length(@)"}}],
                          "validate": {"message": "{{ n }} {{ images.containers.\\"{{element.name}}\\".tag }}",
                                       "foreach": [{"list": "request.object.data.items(@, 'k', 'v')",
                                                    "deny": {"conditions": {"any": [{"key": "{{ element.v ", "operator": "Equals", "value": "{{ length(@ }}"}]}}}]}}]
                        """)))
        let expressions = compiled.expressions.map(\.expression)
        #expect(expressions.contains("request.object.data | length(@)"))
        #expect(expressions.contains("n"))
        #expect(expressions.contains("request.object.data.items(@, 'k', 'v')"))
        let failures = QueryEngine.kyverno().prepare(compiled)
        #expect(failures.map(\.expression) == ["length(@"])
        #expect(failures.first?.rule == "r")
    }
}
