import Controller
import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import PolicyEngine
import PolicyReports
import Testing
import YAML

/// The controller with CEL policies (ValidatingPolicy, NamespacedValidatingPolicy, CEL PolicyException,
/// ClusterPolicy `validate.cel`) against the local API server, compared with the offline engine as
/// `vigil apply -o report` runs it.
@Suite("Reports controller: CEL policies", .serialized)
struct ValidatingPolicyControllerTests {
    static func corpusDocument(_ file: String) throws -> JSONValue {
        let text = try String(contentsOfFile: ControllerHarness.policyCorpus + "/" + file, encoding: .utf8)
        guard let document = try YAML.load(text).first(where: { !$0.isNull }) else {
            throw HarnessError("no document in \(file)")
        }
        return document
    }

    /// A NamespacedValidatingPolicy in `team-a`: containers need limits; the message reads the namespace's
    /// `team` label through `namespaceObject`.
    static let namespacedLimits: JSONValue = [
        "apiVersion": "policies.kyverno.io/v1", "kind": "NamespacedValidatingPolicy",
        "metadata": ["name": "team-limits", "namespace": "team-a"],
        "spec": [
            "evaluation": ["background": ["enabled": true]],
            "validationActions": ["Audit"],
            "matchConstraints": [
                "resourceRules": [
                    [
                        "apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                        "resources": ["pods"],
                    ]
                ]
            ],
            "validations": [
                [
                    "expression": "object.spec.containers.all(c, has(c.resources) && has(c.resources.limits))",
                    "messageExpression":
                        "'team ' + namespaceObject.metadata.labels['team'] + ' needs limits on ' + object.metadata.name",
                ]
            ],
        ],
    ]

    /// A CEL PolicyException exempting `team-b/pod-1` from the ValidatingPolicy `require-labels`.
    static let exception: JSONValue = [
        "apiVersion": "policies.kyverno.io/v1", "kind": "PolicyException",
        "metadata": ["name": "pod-1-unlabelled", "namespace": "team-b"],
        "spec": [
            "policyRefs": [["name": "require-labels", "kind": "ValidatingPolicy"]],
            "matchConditions": [
                [
                    "name": "pod-1",
                    "expression": "object.metadata.name == 'pod-1' && object.metadata.namespace == 'team-b'",
                ]
            ],
        ],
    ]

    static func expectConverged(_ harness: ControllerHarness, _ context: String) async throws -> [String: [String]] {
        let (reports, oracle) = try await harness.converge(celPolicies: true)
        #expect(!oracle.isEmpty, "\(context): the oracle expects reports")
        #expect(reports == oracle, "\(context): reports differ from the offline engine")
        return reports
    }

    static func lines(_ reports: [String: [String]], containing text: String) -> [String] {
        reports.values.flatMap { $0 }.filter { $0.contains(text) }
    }

    @Test func reportsValidatingPoliciesLikeTheOfflineEngine() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with(celPolicies: true) { harness in
            try ReportsControllerTests.populate(harness, pods: 6)
            try harness.apply(try Self.corpusDocument("best-practices-vpol/require-labels/require-labels.yaml"))
            try harness.apply(try Self.corpusDocument("best-practices-vpol/require-probes/require-probes.yaml"))
            try harness.apply(
                try Self.corpusDocument(
                    "best-practices-cel/require-pod-requests-limits/require-pod-requests-limits.yaml"))
            try harness.apply(Self.namespacedLimits)
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            #expect(controller.status.isReady)
            var reports = try await Self.expectConverged(harness, "initial scan")
            let entries = controller.policies.entries
            for key in [
                "ValidatingPolicy/require-labels", "ValidatingPolicy/require-pod-probes",
                "NamespacedValidatingPolicy/team-a/team-limits", "ClusterPolicy/require-requests-limits",
            ] {
                #expect(entries[key]?.state == .ready, "\(key): \(entries[key]?.reason ?? "missing")")
            }
            let source = ReportResult.validatingPolicySource
            #expect(!Self.lines(reports, containing: "\(source) require-labels  fail Pod pod-1 must have").isEmpty)
            #expect(!Self.lines(reports, containing: "\(source) require-labels  pass success").isEmpty)
            // Autogen: require-pod-probes reports on the Deployments too.
            let deploymentUIDs = try await Set(
                harness.client.listAll(ControllerHarness.deployments).items.compactMap {
                    $0[path: "metadata", "uid"]?.stringValue
                })
            #expect(
                deploymentUIDs.contains { uid in
                    reports[uid, default: []].contains { $0.contains("require-pod-probes") }
                })
            // validate.cel in a ClusterPolicy.
            #expect(!Self.lines(reports, containing: "kyverno require-requests-limits validate-resources fail").isEmpty)

            // The NamespacedValidatingPolicy reports on team-a only, with the Namespace object's labels.
            let pods = try await harness.client.listAll(ControllerHarness.pods).items
            let uidsByNamespace = Dictionary(grouping: pods) { $0[path: "metadata", "namespace"]?.stringValue ?? "" }
                .mapValues { $0.compactMap { $0[path: "metadata", "uid"]?.stringValue } }
            #expect(
                uidsByNamespace["team-a", default: []].allSatisfy { uid in
                    reports[uid, default: []].contains { $0.contains("team-a/team-limits") }
                })
            #expect(
                uidsByNamespace["team-b", default: []].allSatisfy { uid in
                    !reports[uid, default: []].contains { $0.contains("team-limits") }
                })
            #expect(!Self.lines(reports, containing: "team team-a needs limits on pod-1").isEmpty)

            // A policy change re-evaluates: a new message.
            var labels = try Self.corpusDocument("best-practices-vpol/require-labels/require-labels.yaml")
            labels["spec"]?["validations"] = [
                [
                    "expression": "has(object.metadata.labels) && 'app.kubernetes.io/name' in object.metadata.labels",
                    "messageExpression": "'label the ' + object.kind + ' ' + object.metadata.name",
                ]
            ]
            try harness.apply(labels)
            reports = try await Self.expectConverged(harness, "ValidatingPolicy changed")
            #expect(!Self.lines(reports, containing: "label the Pod pod-1").isEmpty)
            #expect(Self.lines(reports, containing: "must have the label").isEmpty)

            // A CEL PolicyException re-evaluates the policy it names.
            try harness.apply(Self.exception)
            reports = try await Self.expectConverged(harness, "exception added")
            #expect(Self.lines(reports, containing: "due to policy exception: team-b/pod-1-unlabelled").count == 1)

            // Background disabled: the policy's results go; it is not run.
            var probes = try Self.corpusDocument("best-practices-vpol/require-probes/require-probes.yaml")
            probes["spec"]?["evaluation"] = ["background": ["enabled": false]]
            try harness.apply(probes)
            reports = try await Self.expectConverged(harness, "background disabled")
            #expect(Self.lines(reports, containing: "require-pod-probes").isEmpty)
            #expect(controller.policies.entries["ValidatingPolicy/require-pod-probes"]?.state == .notBackground)

            // A policy that does not compile is logged and counted invalid; the others keep reporting.
            try harness.apply([
                "apiVersion": "policies.kyverno.io/v1", "kind": "ValidatingPolicy", "metadata": ["name": "broken"],
                "spec": [
                    "matchConstraints": [
                        "resourceRules": [
                            [
                                "apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"],
                                "resources": ["pods"],
                            ]
                        ]
                    ],
                    "validations": [["expression": "object.spec.(("]],
                ],
            ])
            _ = try await Self.expectConverged(harness, "broken policy")
            #expect(controller.policies.entries["ValidatingPolicy/broken"]?.state == .invalid)

            // A deleted ValidatingPolicy's results are pruned.
            try await harness.client.delete(ControllerHarness.validatingPolicies, name: "require-labels")
            reports = try await Self.expectConverged(harness, "ValidatingPolicy deleted")
            #expect(Self.lines(reports, containing: "\(source) require-labels ").isEmpty)
        }
    }

    @Test func anAnnotationOnlyNamespaceChangeReevaluatesItsObjects() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with(celPolicies: true) { harness in
            try ReportsControllerTests.populate(harness, pods: 3)
            var owned = Self.namespacedLimits
            owned["spec"]?["validations"] = [
                [
                    "expression": "object.spec.containers.all(c, has(c.resources) && has(c.resources.limits))",
                    "messageExpression":
                        "'owner ' + namespaceObject.metadata.annotations['owner'] + ' needs limits on ' + object.metadata.name",
                ]
            ]
            var namespace = try await harness.client.get(ControllerHarness.namespaces, name: "team-a")
            namespace["metadata"]?["annotations"] = ["owner": "alice"]
            _ = try await harness.client.update(ControllerHarness.namespaces, object: namespace)
            try harness.apply(owned)
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            var reports = try await Self.expectConverged(harness, "initial scan")
            #expect(!Self.lines(reports, containing: "owner alice needs limits").isEmpty)
            // Only the annotation changes: no label, so no namespaceSelector can match differently, but the
            // policy reads the annotation through namespaceObject.
            namespace = try await harness.client.get(ControllerHarness.namespaces, name: "team-a")
            namespace["metadata"]?["annotations"] = ["owner": "bob"]
            _ = try await harness.client.update(ControllerHarness.namespaces, object: namespace)
            reports = try await Self.expectConverged(harness, "annotation changed")
            #expect(!Self.lines(reports, containing: "owner bob needs limits").isEmpty)
            #expect(Self.lines(reports, containing: "owner alice").isEmpty)
        }
    }
}
