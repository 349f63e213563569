import JSONValue
import Observability
import PolicyEngine
import Testing

@testable import Controller

/// Kyverno's per-result metrics as the controller records them: the labels Kyverno's reports controller
/// uses, one handle per label set however many results are recorded.
struct KyvernoMetricsRecorderTests {
    static let policy: JSONValue = [
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": ["name": "require-labels"],
        "spec": [
            "background": true,
            "rules": [
                [
                    "name": "check-team", "match": ["any": [["resources": ["kinds": ["Pod"]]]]],
                    "validate": ["message": "team", "pattern": ["metadata": ["labels": ["team": "?*"]]]],
                ]
            ],
        ],
    ]

    @Test func countsEveryResultAndKeepsOneHandlePerLabelSet() throws {
        let factory = VigilMetricsFactory()
        let recorder = KyvernoMetricsRecorder(factory: factory)
        let policy = try PolicyDecoder.decode(Self.policy)
        let fail = [RuleResult(ruleName: "check-team", status: .fail, message: "no team")]
        let pass = [RuleResult(ruleName: "check-team", status: .pass, message: "ok")]
        for _ in 0..<3 {
            recorder.record(policy, fail, resourceKind: "Pod", resourceNamespace: "shop", elapsed: .milliseconds(2))
        }
        recorder.record(policy, pass, resourceKind: "Pod", resourceNamespace: "shop", elapsed: .milliseconds(2))
        recorder.record(policy, fail, resourceKind: "Pod", resourceNamespace: "web", elapsed: .milliseconds(2))
        // Counters: (fail, shop), (pass, shop), (fail, web); timers (no namespace label): fail, pass.
        #expect(recorder.handleCount == 5)

        let lines = String(decoding: factory.exposition(), as: UTF8.self).split(separator: "\n")
        let counters = lines.filter { $0.hasPrefix("kyverno_policy_results_total{") }
        #expect(counters.count == 3)
        let shopFail = counters.first {
            $0.contains(#"resource_namespace="shop""#) && $0.contains(#"rule_result="fail""#)
        }
        #expect(shopFail?.hasSuffix(" 3") == true)
        for label in [
            #"policy_name="require-labels""#, #"policy_type="cluster""#, #"policy_validation_mode="audit""#,
            #"policy_namespace="-""#, #"rule_name="check-team""#, #"rule_execution_cause="background_scan""#,
            #"resource_kind="Pod""#, #"resource_request_operation="create""#,
        ] {
            #expect(shopFail?.contains(label) == true, "\(label)")
        }
        let failCount = lines.first {
            $0.hasPrefix("kyverno_policy_execution_duration_seconds_count{") && $0.contains(#"rule_result="fail""#)
        }
        #expect(failCount?.hasSuffix(" 4") == true, "four timings under the fail labels: \(failCount ?? "")")
    }

    @Test func labelsValidatingPolicyResultsByKindAndValidationActions() throws {
        let factory = VigilMetricsFactory()
        let recorder = KyvernoMetricsRecorder(factory: factory)
        let namespaced = try ValidatingPolicyDecoder.decode([
            "apiVersion": "policies.kyverno.io/v1", "kind": "NamespacedValidatingPolicy",
            "metadata": ["name": "limits", "namespace": "shop"],
            "spec": ["validationActions": ["Audit"], "validations": [["expression": "true"]]],
        ])
        let cluster = try ValidatingPolicyDecoder.decode([
            "apiVersion": "policies.kyverno.io/v1", "kind": "ValidatingPolicy", "metadata": ["name": "labels"],
            "spec": ["validations": [["expression": "true"]]],
        ])
        let fail = [RuleResult(ruleName: "", status: .fail, message: "no")]
        recorder.record(namespaced, fail, resourceKind: "Pod", resourceNamespace: "shop", elapsed: .milliseconds(1))
        recorder.record(cluster, fail, resourceKind: "Pod", resourceNamespace: "shop", elapsed: .milliseconds(1))
        let counters = String(decoding: factory.exposition(), as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("kyverno_policy_results_total{") }
        let limits = counters.first { $0.contains(#"policy_name="limits""#) }
        for label in [#"policy_type="namespaced""#, #"policy_namespace="shop""#, #"policy_validation_mode="audit""#] {
            #expect(limits?.contains(label) == true, "\(label)")
        }
        // No validationActions means Deny: enforce.
        let labels = counters.first { $0.contains(#"policy_name="labels""#) }
        for label in [#"policy_type="cluster""#, #"policy_namespace="-""#, #"policy_validation_mode="enforce""#] {
            #expect(labels?.contains(label) == true, "\(label)")
        }
    }
}
