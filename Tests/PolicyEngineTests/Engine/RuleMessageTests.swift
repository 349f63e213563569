import JSONValue
import Testing

@testable import PolicyEngine

/// Kyverno's wording for the less common outcomes.
@Suite struct RuleMessageTests {
    func results(_ rules: String, spec: String = "", resource: JSONValue? = nil) async throws -> [RuleResult] {
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: rules, annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "none"}"#, spec: spec))
        )
        return await PolicyEvaluator(queries: .kyverno()).evaluate(
            compiled, resource: resource ?? pod(spec: #"{"containers": [{"name": "c", "image": "nginx:1.25"}]}"#),
            provider: EmptyContextProvider()
        ).results
    }

    @Test func denyWithoutMessageAndPassingDeny() async throws {
        let rules = """
            [{"name": "always", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"deny": {}}},
             {"name": "never", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"deny": {"conditions": [{"key": "{{ request.object.kind }}", "operator": "Equals", "value": "Service"}]}}}]
            """
        #expect(
            try await results(rules) == [
                RuleResult(ruleName: "always", status: .fail, message: "validation error: rule always failed"),
                RuleResult(ruleName: "never", status: .pass, message: "validation rule 'never' passed."),
            ])
    }

    @Test func patternWithoutMessageNamesRuleAndPath() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"pattern": {"spec": {"containers": [{"image": "redis*"}]}}}}]
            """
        #expect(
            try await results(rules).first?.message
                == "validation error: rule r failed at path /spec/containers/0/image/")
    }

    @Test func conditionalSkipMessage() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"pattern": {"spec": {"(hostNetwork)": true, "containers": [{"image": "redis*"}]}}}}]
            """
        let result = try #require(try await results(rules).first)
        #expect(result.status == .skip)
        #expect(result.message == "conditional anchor mismatch: conditional anchor key doesn't exist in the resource")
    }

    @Test func anyPatternAllSkipped() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"anyPattern": [{"spec": {"(hostNetwork)": true}}, {"spec": {"(hostPID)": true}}]}}]
            """
        let result = try #require(try await results(rules).first)
        #expect(result.status == .skip)
        #expect(
            result.message
                == "rule r[0] skipped: conditional anchor mismatch: conditional anchor key doesn't exist in the resource rule r[1] skipped: conditional anchor mismatch: conditional anchor key doesn't exist in the resource"
        )
    }

    @Test func preconditionEvaluationErrorMessage() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "preconditions": {"any": [{"key": "{{ request.object.spec.nodeName }}", "operator": "Equals", "value": "x"}]},
              "validate": {"deny": {}}}]
            """
        #expect(
            try await results(rules).first
                == RuleResult(
                    ruleName: "r", status: .error,
                    message:
                        "failed to evaluate preconditions: failed to substitute variables in condition key: failed to resolve request.object.spec.nodeName at path : JMESPath query failed: Unknown key \"nodeName\" in path"
                ))
    }

    @Test func applyRulesOneStopsAfterTheFirstAppliedRule() async throws {
        let rules = """
            [{"name": "a", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {"kind": "Pod"}}},
             {"name": "b", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"deny": {}}}]
            """
        #expect(try await results(rules, spec: #""applyRules": "One""#).map(\.ruleName) == ["a"])
        #expect(try await results(rules).map(\.ruleName) == ["a", "b"])
    }

    @Test func foreachElementScopeOnScalarsIsAnError() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"foreach": [{"list": "request.object.spec.containers[].name", "elementScope": true,
                                        "deny": {}}]}}]
            """
        let result = try #require(try await results(rules).first)
        #expect(result.status == .error)
        #expect(
            result.message
                == "failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=string"
        )
    }

    @Test func nestedForeachSeesOuterElements() async throws {
        let resource = pod(
            spec:
                #"{"containers": [{"name": "c", "image": "nginx:1.25", "ports": [{"containerPort": 80}, {"containerPort": 22}]}]}"#
        )
        let rules = """
            [{"name": "ports", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "{{ element0.name }} exposes {{ element1.containerPort }}",
                           "foreach": [{"list": "request.object.spec.containers",
                                        "foreach": [{"list": "element.ports",
                                                     "deny": {"conditions": {"any": [{"key": "{{ element.containerPort }}", "operator": "Equals", "value": 22}]}}}]}]}}]
            """
        #expect(
            try await results(rules, resource: resource).first?.message
                == "validation failure: validation failure: c exposes 22")
    }
}
