import Foundation
import JSONValue
import Testing

@testable import PolicyEngine

/// `validate.podSecurity` rules end to end: messages, properties, exclusions, templates and exceptions.
struct PodSecurityEvaluatorTests {
    static func rule(level: String, version: String = "latest", exclude: String = "[]") -> String {
        """
        [{"name": "pss", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
          "validate": {"podSecurity": {"level": "\(level)", "version": "\(version)", "exclude": \(exclude)}}}]
        """
    }

    static func evaluate(
        _ rules: String, _ resource: JSONValue, exceptions: [PolicyException] = []
    ) async throws -> [RuleResult] {
        let compiled = try CompiledPolicy(try policy(clusterPolicy(rules: rules)))
        let evaluation = await PolicyEvaluator(queries: .kyverno()).evaluate(
            compiled, resource: resource, provider: EmptyContextProvider(), exceptions: exceptions)
        return evaluation.results
    }

    static let addsNetAdmin = pod(
        spec: """
            {"initContainers": [{"name": "init", "image": "busybox:latest",
              "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}}}],
             "containers": [{"name": "app", "image": "nginx:1.25"}]}
            """)

    @Test func failureMessageAndProperties() async throws {
        let results = try await Self.evaluate(Self.rule(level: "baseline", version: "v1.29"), Self.addsNetAdmin)
        let result = try #require(results.first)
        #expect(result.status == .fail)
        #expect(
            result.message
                == "Validation rule 'pss' failed. It violates PodSecurity \"baseline:v1.29\": (Forbidden reason: non-default capabilities, field error list: [spec.initContainers[0].securityContext.capabilities.add is forbidden, forbidden values found: [NET_ADMIN NET_RAW]])"
        )
        #expect(result.properties["standard"] == "baseline")
        #expect(result.properties["version"] == "v1.29")
        #expect(result.properties["controls"] == "capabilities_baseline")
        #expect(
            result.properties["controlsJSON"]
                == #"[{"ID":"capabilities_baseline","Name":"Capabilities","Images":["docker.io/busybox:latest"]}]"#)
    }

    @Test func passMessage() async throws {
        let results = try await Self.evaluate(
            Self.rule(level: "baseline"), pod(spec: #"{"containers": [{"name": "a", "image": "nginx"}]}"#))
        #expect(results.map(\.status) == [.pass])
        #expect(results.first?.message == "Validation rule 'pss' passed.")
    }

    @Test func exclusionByControlAndImage() async throws {
        let matching = #"[{"controlName": "Capabilities", "images": ["busybox*"]}]"#
        let other = #"[{"controlName": "Capabilities", "images": ["redis*"]}]"#
        let restricted =
            #"[{"controlName": "Capabilities", "images": ["busybox*"], "restrictedField": "spec.initContainers[*].securityContext.capabilities.add", "values": ["NET_ADMIN"]}]"#
        #expect(
            try await Self.evaluate(Self.rule(level: "baseline", exclude: matching), Self.addsNetAdmin).map(\.status)
                == [.pass])
        #expect(
            try await Self.evaluate(Self.rule(level: "baseline", exclude: other), Self.addsNetAdmin).map(\.status) == [
                .fail
            ])
        // NET_RAW is not among the excluded values, so the field error stays.
        #expect(
            try await Self.evaluate(Self.rule(level: "baseline", exclude: restricted), Self.addsNetAdmin).map(\.status)
                == [.fail])
    }

    @Test func podLevelExclusionWithoutImages() async throws {
        let hostNetwork = pod(spec: #"{"hostNetwork": true, "containers": [{"name": "a", "image": "nginx"}]}"#)
        let exclude = #"[{"controlName": "Host Namespaces"}]"#
        #expect(try await Self.evaluate(Self.rule(level: "baseline"), hostNetwork).map(\.status) == [.fail])
        #expect(
            try await Self.evaluate(Self.rule(level: "baseline", exclude: exclude), hostNetwork).map(\.status) == [
                .pass
            ])
    }

    @Test func templatesGetTemplatePaths() async throws {
        let deployment = jsonValue(
            """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
             "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx",
               "securityContext": {"privileged": true}}]}}}}
            """)
        let results = try await Self.evaluate(Self.rule(level: "baseline"), deployment)
        let result = try #require(results.first { $0.ruleName == "autogen-pss" })
        #expect(result.status == .fail)
        #expect(result.message.contains("spec.template.spec.containers[0].securityContext.privileged is forbidden"))
    }

    @Test func unsupportedKindIsAnError() async throws {
        let rules = Self.rule(level: "baseline").replacingOccurrences(of: "[\"Pod\"]", with: "[\"ConfigMap\"]")
        let results = try await Self.evaluate(
            rules, jsonValue(#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "a"}}"#)
        )
        #expect(results.map(\.status) == [.error])
        #expect(results.first?.message == "Error while getting new resource: could not find correct resource type")
    }

    @Test func exceptionWithPodSecurityExemptsControls() async throws {
        let exception = try PolicyException(
            decoding: jsonValue(
                """
                {"apiVersion": "kyverno.io/v2", "kind": "PolicyException", "metadata": {"name": "caps", "namespace": "kyverno"},
                 "spec": {"exceptions": [{"policyName": "test", "ruleNames": ["pss"]}],
                          "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                          "podSecurity": [{"controlName": "Capabilities", "images": ["busybox*"]}]}}
                """))
        let results = try await Self.evaluate(Self.rule(level: "baseline"), Self.addsNetAdmin, exceptions: [exception])
        #expect(results.map(\.status) == [.skip])
        #expect(results.first?.message == "rule is skipped due to policy exceptions kyverno/caps")
        #expect(results.first?.properties["exceptions"] == "caps")
    }
}
