import JSONValue
import Testing

@testable import PolicyEngine

/// PolicyExceptions: which rules they name, which resources they match, conditions, and decoding errors.
struct PolicyExceptionTests {
    static let rules = """
        [{"name": "team", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
          "validate": {"message": "team label required", "pattern": {"metadata": {"labels": {"team": "?*"}}}}}]
        """

    static func exception(ruleNames: String = #"["team", "autogen-team"]"#, match: String, conditions: String? = nil)
        throws -> PolicyException
    {
        try PolicyException(
            decoding: jsonValue(
                """
                {"apiVersion": "kyverno.io/v2beta1", "kind": "PolicyException", "metadata": {"name": "ex"},
                 "spec": {"exceptions": [{"policyName": "test", "ruleNames": \(ruleNames)}],
                          "match": \(match)\(conditions.map { ", \"conditions\": \($0)" } ?? "")}}
                """))
    }

    static func statuses(_ resource: JSONValue, _ exceptions: [PolicyException]) async throws -> [String: RuleResult] {
        let compiled = try CompiledPolicy(try policy(clusterPolicy(rules: rules)))
        let evaluation = await PolicyEvaluator(queries: .kyverno()).evaluate(
            compiled, resource: resource, provider: EmptyContextProvider(), exceptions: exceptions)
        return Dictionary(uniqueKeysWithValues: evaluation.results.map { ($0.ruleName, $0) })
    }

    static let byName = #"{"any": [{"resources": {"kinds": ["Pod", "Deployment"], "names": ["legacy-*"]}}]}"#

    @Test func matchingExceptionSkipsTheRule() async throws {
        let results = try await Self.statuses(
            pod(name: "legacy-1", spec: #"{"containers": []}"#), [try Self.exception(match: Self.byName)])
        #expect(results["team"]?.status == .skip)
        #expect(results["team"]?.message == "rule is skipped due to policy exceptionsex")
        #expect(results["team"]?.properties["exceptions"] == "ex")
    }

    @Test func otherResourcesStillFail() async throws {
        let results = try await Self.statuses(
            pod(name: "new", spec: #"{"containers": []}"#), [try Self.exception(match: Self.byName)])
        #expect(results["team"]?.status == .fail)
    }

    @Test func autogenRulesAreNamedAsSuch() async throws {
        let deployment = jsonValue(
            """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "legacy-web", "namespace": "default"},
             "spec": {"template": {"metadata": {}, "spec": {"containers": []}}}}
            """)
        let onlyPodRule = try Self.exception(ruleNames: #"["team"]"#, match: Self.byName)
        #expect(try await Self.statuses(deployment, [onlyPodRule])["autogen-team"]?.status == .fail)
        let wildcard = try Self.exception(ruleNames: #"["*team"]"#, match: Self.byName)
        #expect(try await Self.statuses(deployment, [wildcard])["autogen-team"]?.status == .skip)
    }

    @Test func conditionsMustHold() async throws {
        let conditions =
            #"{"all": [{"key": "{{ request.object.metadata.labels.tier || '' }}", "operator": "Equals", "value": "legacy"}]}"#
        let exception = try Self.exception(
            match: #"{"any": [{"resources": {"kinds": ["Pod"]}}]}"#, conditions: conditions)
        let tiered = pod(name: "a", labels: #"{"tier": "legacy"}"#, spec: #"{"containers": []}"#)
        let plain = pod(name: "b", spec: #"{"containers": []}"#)
        #expect(try await Self.statuses(tiered, [exception])["team"]?.status == .skip)
        #expect(try await Self.statuses(plain, [exception])["team"]?.status == .fail)
    }

    @Test func otherPoliciesAreNotAffected() throws {
        let exception = try Self.exception(match: Self.byName)
        #expect(exception.contains(policy: "test", rule: "team"))
        #expect(!exception.contains(policy: "other", rule: "team"))
        #expect(!exception.contains(policy: "ns/test", rule: "team"))
    }

    @Test func decodingErrorsNameTheField() {
        #expect(throws: PolicyDecodingError.self) {
            try Self.exception(match: #"{"resources": {"kinds": ["Pod"]}}"#)
        }
        do {
            _ = try PolicyException(
                decoding: jsonValue(
                    #"{"apiVersion": "kyverno.io/v2", "kind": "PolicyException", "metadata": {"name": "bad"}, "spec": {"match": {"any": []}, "exceptions": [{"policyName": 3}]}}"#
                ))
            Issue.record("a number as policyName must not decode")
        } catch {
            #expect(error.fieldPath == "spec.exceptions[0].policyName")
            #expect(error.documentName == "bad")
        }
    }
}
