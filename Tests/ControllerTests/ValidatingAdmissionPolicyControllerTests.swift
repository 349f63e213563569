import Controller
import Failures
import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import PolicyEngine
import PolicyReports
import Testing

/// The controller with Kubernetes ValidatingAdmissionPolicies and bindings against the local API server
/// (which serves admissionregistration.k8s.io/v1 as a built-in group), compared with the offline engine.
@Suite("Reports controller: ValidatingAdmissionPolicies", .serialized)
struct ValidatingAdmissionPolicyControllerTests {
    static let policiesResource = GroupVersionResource(
        group: "admissionregistration.k8s.io", version: "v1", resource: "validatingadmissionpolicies")
    static let bindingsResource = GroupVersionResource(
        group: "admissionregistration.k8s.io", version: "v1", resource: "validatingadmissionpolicybindings")
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    /// Deployments may have at most `params.data.max` replicas (a ConfigMap named by the binding).
    static func maxReplicas(labelled: Bool = true) -> JSONValue {
        [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
            "metadata": [
                "name": "max-replicas",
                "labels": labelled ? ["reports.kyverno.io/enabled": "true"] : [:],
                "annotations": ["policies.kyverno.io/severity": "medium"],
            ],
            "spec": [
                "paramKind": ["apiVersion": "v1", "kind": "ConfigMap"],
                "matchConstraints": [
                    "resourceRules": [
                        [
                            "apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                            "resources": ["deployments"],
                        ]
                    ]
                ],
                "validations": [
                    [
                        "expression": "object.spec.replicas <= int(params.data.max)",
                        "messageExpression":
                            "'at most ' + params.data.max + ' replicas in ' + namespaceObject.metadata.name",
                    ]
                ],
            ],
        ]
    }

    /// The binding of `max-replicas` to namespaces labelled `env: <env>`, reading the ConfigMap `limits`.
    static func binding(env: String) -> JSONValue {
        [
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": ["name": "max-replicas-binding"],
            "spec": [
                "policyName": "max-replicas", "validationActions": ["Audit"],
                "paramRef": ["name": "limits", "parameterNotFoundAction": "Deny"],
                "matchResources": ["namespaceSelector": ["matchLabels": ["env": .string(env)]]],
            ],
        ]
    }

    /// A policy without a binding: Kyverno reports it on its own.
    static let requireTeam: JSONValue = [
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
        "metadata": ["name": "require-team", "labels": ["reports.kyverno.io/enabled": "true"]],
        "spec": [
            "matchConstraints": [
                "resourceRules": [
                    [
                        "apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"],
                        "resources": ["deployments"],
                    ]
                ]
            ],
            "matchConditions": [["name": "not-system", "expression": "object.metadata.name != 'system'"]],
            "validations": [["expression": "has(object.metadata.labels) && 'team' in object.metadata.labels"]],
        ],
    ]

    static func deployment(_ name: String, _ namespace: String, replicas: Int, team: Bool) -> JSONValue {
        var object = ControllerHarness.deployment(name, namespace: namespace, labelled: true, limits: true)
        object["spec"]?["replicas"] = .int(replicas)
        if team { object["metadata"]?["labels"] = ["team": "a"] }
        return object
    }

    static func limits(_ namespace: String, max: Int) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "limits", "namespace": .string(namespace)],
            "data": ["max": .string(String(max))],
        ]
    }

    /// What the offline engine computes for the VAPs the controller reports (labelled, and bindings not
    /// labelled disabled), as `uid → sorted detailed lines`.
    static func oracle(_ client: KubeClient) async throws -> [String: [String]] {
        var policies: [CompiledValidatingAdmissionPolicy] = []
        for var document in try await client.listAll(policiesResource).items {
            document["kind"] = "ValidatingAdmissionPolicy"
            document["apiVersion"] = "admissionregistration.k8s.io/v1"
            let policy = try ValidatingAdmissionPolicyDecoder.decodePolicy(document)
            if policy.reportsEnabled { policies.append(CompiledValidatingAdmissionPolicy(policy)) }
        }
        var bindings: [ValidatingAdmissionPolicyBinding] = []
        for var document in try await client.listAll(bindingsResource).items {
            document["kind"] = "ValidatingAdmissionPolicyBinding"
            document["apiVersion"] = "admissionregistration.k8s.io/v1"
            let binding = try ValidatingAdmissionPolicyDecoder.decodeBinding(document)
            if binding.labels["reports.kyverno.io/disabled"] == nil { bindings.append(binding) }
        }
        var objects: [String: JSONValue] = [:]
        for var configMap in try await client.listAll(configMaps).items {
            configMap["apiVersion"] = "v1"
            configMap["kind"] = "ConfigMap"
            let identity = ResourceIdentity(configMap)
            objects["/api/v1/namespaces/\(identity.namespace)/configmaps/\(identity.name)"] = configMap
        }
        var namespaces: [String: JSONValue] = [:]
        for var namespace in try await client.listAll(ControllerHarness.namespaces).items {
            namespace["apiVersion"] = "v1"
            namespace["kind"] = "Namespace"
            namespaces[namespace[path: "metadata", "name"]?.stringValue ?? ""] = namespace
        }
        let provider = ObjectsProvider(namespaces: namespaces, objects: objects)
        var expected: [String: [String]] = [:]
        for var object in try await client.listAll(ControllerHarness.deployments).items {
            object["kind"] = "Deployment"
            object["apiVersion"] = "apps/v1"
            guard let subject = ReportSubject(object: object) else { continue }
            var results: [ReportResult] = []
            for policy in policies {
                let evaluation = await ValidatingAdmissionPolicyEvaluator().evaluate(
                    policy, bindings: bindings,
                    attributes: AdmissionAttributes(object: object, resource: "deployments"),
                    provider: provider)
                results += ReportResult.entries(
                    validatingAdmissionPolicy: policy.policy, results: evaluation.results, timestamp: 0)
            }
            if !results.isEmpty {
                expected[subject.uid] = PolicyReport(subject: subject, results: results).results.map {
                    ControllerHarness.line($0, detailed: true)
                }
            }
        }
        return expected
    }

    /// Polls until the reports equal the oracle (or 30 s pass); returns the reports.
    static func expectConverged(_ harness: ControllerHarness, _ context: String) async throws -> [String: [String]] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        while true {
            let expected = try await oracle(harness.client)
            let actual = try await harness.reports(detailed: true)
            if actual == expected || clock.now > deadline {
                #expect(actual == expected, "\(context): reports differ from the offline engine")
                return actual
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func lines(_ reports: [String: [String]], containing text: String) -> [String] {
        reports.values.flatMap { $0 }.filter { $0.contains(text) }
    }

    @Test func reportsValidatingAdmissionPoliciesLikeTheOfflineEngine() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try harness.apply(ControllerHarness.namespace("stage", labels: ["env": "staging"]))
            try harness.apply(ControllerHarness.namespace("prod", labels: ["env": "production"]))
            for namespace in ["stage", "prod"] {
                try harness.apply(Self.limits(namespace, max: 3))
                try harness.apply(Self.deployment("small", namespace, replicas: 2, team: true))
                try harness.apply(Self.deployment("large", namespace, replicas: 5, team: false))
            }
            try harness.apply(Self.maxReplicas())
            try harness.apply(Self.binding(env: "staging"))
            try harness.apply(Self.requireTeam)
            var unlabelled = Self.maxReplicas(labelled: false)
            unlabelled["metadata"]?["name"] = "not-reported"
            try harness.apply(unlabelled)

            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            #expect(controller.status.isReady)
            var reports = try await Self.expectConverged(harness, "initial scan")
            let entries = controller.policies.entries
            #expect(entries["ValidatingAdmissionPolicy/max-replicas"]?.state == .ready)
            #expect(entries["ValidatingAdmissionPolicy/not-reported"]?.state == .disabled)
            let source = ReportResult.validatingAdmissionPolicySource
            #expect(
                Self.lines(reports, containing: "\(source) max-replicas max-replicas fail at most 3 replicas in stage")
                    .count == 1)
            #expect(
                Self.lines(
                    reports, containing: "\(source) max-replicas max-replicas pass  binding=max-replicas-binding"
                )
                .count == 1)
            // The binding selects staging only; the unbound policy reports everywhere, without a binding.
            #expect(Self.lines(reports, containing: "in prod").isEmpty)
            #expect(
                Self.lines(reports, containing: "\(source) require-team require-team fail failed expression").count == 2
            )
            #expect(Self.lines(reports, containing: "not-reported").isEmpty)

            // A changed binding re-evaluates: now production.
            try harness.apply(Self.binding(env: "production"))
            reports = try await Self.expectConverged(harness, "binding changed")
            #expect(Self.lines(reports, containing: "at most 3 replicas in prod").count == 1)
            #expect(Self.lines(reports, containing: "in stage").isEmpty)

            // A changed parameter object is read at the next evaluation (Kyverno watches none): a resync.
            try harness.apply(Self.limits("prod", max: 10))
            try await controller.resync()
            reports = try await Self.expectConverged(harness, "params changed")
            #expect(Self.lines(reports, containing: "max-replicas max-replicas fail").isEmpty)

            // A missing parameter with parameterNotFoundAction Deny: an error naming it.
            try await harness.client.delete(Self.configMaps, namespace: "prod", name: "limits")
            try await controller.resync()
            reports = try await Self.expectConverged(harness, "params deleted")
            #expect(
                Self.lines(reports, containing: "max-replicas error failed to configure binding: no params found").count
                    == 2)

            // A changed policy re-evaluates; a deleted one is pruned.
            var changed = Self.requireTeam
            changed["spec"]?["validations"] = [["expression": "true"]]
            try harness.apply(changed)
            reports = try await Self.expectConverged(harness, "policy changed")
            #expect(Self.lines(reports, containing: "require-team require-team fail").isEmpty)
            try await harness.client.delete(Self.policiesResource, name: "require-team")
            reports = try await Self.expectConverged(harness, "policy deleted")
            #expect(Self.lines(reports, containing: "require-team").isEmpty)

            // Without the reports label the policy's results go.
            try harness.apply(Self.maxReplicas(labelled: false))
            reports = try await Self.expectConverged(harness, "label removed")
            #expect(reports.isEmpty)
        }
    }
}

/// Namespaces and objects by API path for the oracle (a list path answers the objects under it).
struct ObjectsProvider: ContextProvider {
    var namespaces: [String: JSONValue]
    var objects: [String: JSONValue]

    func namespaceLabels(namespace: String) async throws -> [String: String] {
        namespaces[namespace].map { ResourceIdentity($0).labels } ?? [:]
    }
    func namespaceObject(name: String) async throws -> JSONValue? { namespaces[name] }
    func configMap(namespace: String, name: String) async throws -> JSONValue {
        try await apiCall(APICallRequest(urlPath: "/api/v1/namespaces/\(namespace)/configmaps/\(name)", method: "GET"))
    }
    func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        let path = request.urlPath ?? ""
        if let object = objects[path] { return object }
        let items = objects.filter { $0.key.hasPrefix(path + "/") }.sorted { $0.key < $1.key }.map(\.value)
        if !items.isEmpty { return ["kind": "List", "items": .array(items)] }
        throw ContextProviderError(.notFound, "\(path) not found")
    }
    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        try await EmptyContextProvider().imageData(reference: reference, credentials: credentials)
    }
    func globalReference(name: String) async throws -> JSONValue {
        try await EmptyContextProvider().globalReference(name: name)
    }
}
