import JSONValue
import Logging
import PolicyEngine
import Testing

@testable import Controller

/// How the policy cache admits ValidatingPolicies: only compiled, background-enabled, Kubernetes-mode ones
/// are evaluated, and their resources drive the informers.
struct PolicyCacheValidatingTests {
    static func policy(_ name: String, evaluation: JSONValue = [:], expression: String = "true") -> JSONValue {
        [
            "apiVersion": "policies.kyverno.io/v1", "kind": "ValidatingPolicy",
            "metadata": ["name": .string(name), "resourceVersion": "1"],
            "spec": [
                "evaluation": evaluation,
                "matchConstraints": [
                    "resourceRules": [
                        [
                            "apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"],
                            "resources": ["deployments"],
                        ]
                    ]
                ],
                "validations": [["expression": .string(expression)]],
            ],
        ]
    }

    @Test func onlyCompiledBackgroundKubernetesModePoliciesAreReady() throws {
        let cache = PolicyCache(queries: .kyverno(), logger: Logger(label: "test"))
        let affected = cache.upsert(Self.policy("ready"))
        #expect(affected?.resources == ["deployments"])
        cache.upsert(Self.policy("admission-only", evaluation: ["background": ["enabled": false]]))
        cache.upsert(Self.policy("json", evaluation: ["mode": "JSON"]))
        cache.upsert(Self.policy("broken", expression: "object.(("))
        let entries = cache.entries
        #expect(entries["ValidatingPolicy/ready"]?.state == .ready)
        #expect(entries["ValidatingPolicy/admission-only"]?.state == .notBackground)
        #expect(entries["ValidatingPolicy/json"]?.state == .unsupported)
        #expect(entries["ValidatingPolicy/broken"]?.state == .invalid)
        #expect(entries["ValidatingPolicy/broken"]?.reason.contains("compil") == true)
        #expect(cache.validatingPolicies.map(\.policy.name) == ["ready"])
        #expect(cache.validatingResources == ["deployments"])
        // The same version again changes nothing; a removal reports what the policy matched.
        #expect(cache.upsert(Self.policy("ready")) == nil)
        #expect(cache.remove(key: "ValidatingPolicy/ready").resources == ["deployments"])
        #expect(cache.validatingPolicies.isEmpty)
    }
}
