import JSONValue
import Testing

@testable import PolicyEngine

/// `validate.cel` rules of ClusterPolicies, evaluated as Kyverno's handler runs them.
@Suite struct CELRuleValidatorTests {
    func results(_ rule: String, _ resource: JSONValue) async throws -> [RuleResult] {
        let compiled = try CompiledPolicy(try policy(clusterPolicy(rules: "[\(rule)]")))
        let evaluation = await PolicyEvaluator(queries: .kyverno()).evaluate(
            compiled, resource: resource, provider: NamespacesProvider())
        return evaluation.results
    }

    let rule = """
        {"name": "check-replicas", "match": {"any": [{"resources": {"kinds": ["Deployment"]}}]},
         "celPreconditions": [{"name": "named", "expression": "object.metadata.name != 'skipped'"}],
         "validate": {"message": "rule message", "cel": {
           "variables": [{"name": "replicas", "expression": "object.spec.replicas"}],
           "expressions": [{"expression": "variables.replicas <= 5"},
             {"expression": "object.spec.replicas >= 1", "messageExpression": "'too few: ' + string(object.spec.replicas)"}]}}}
        """

    func deployment(_ name: String, _ replicas: String) -> JSONValue {
        jsonValue(
            """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "\(name)", "namespace": "default"},
             "spec": \(replicas)}
            """)
    }

    @Test func passFailSkipAndMessages() async throws {
        let pass = try await results(rule, deployment("web", #"{"replicas": 3}"#))
        #expect(pass.map(\.status) == [.pass])
        #expect(pass.first?.message == "Validation rule 'check-replicas' passed.")
        let many = try await results(rule, deployment("web", #"{"replicas": 9}"#))
        #expect(many.map(\.status) == [.fail])
        #expect(many.first?.message == "rule message")
        let few = try await results(rule, deployment("web", #"{"replicas": 0}"#))
        #expect(few.first?.message == "too few: 0")
        let skipped = try await results(rule, deployment("skipped", #"{"replicas": 9}"#))
        #expect(skipped.map(\.status) == [.skip])
        #expect(skipped.first?.message == "cel preconditions not met")
    }

    /// With Kubernetes' failure policy `Fail`, an expression that cannot be evaluated denies: the rule fails.
    @Test func evaluationErrorsFail() async throws {
        let results = try await results(rule, deployment("web", "{}"))
        #expect(results.map(\.status) == [.fail])
        #expect(
            results.first?.message == "expression 'variables.replicas <= 5' resulted in error: no such key: replicas")
    }
}
