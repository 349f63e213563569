import ExternalData
import Foundation
import JSONValue
import KubeClient
import Logging
import PolicyEngine
import RegistryTestSupport
import Testing

@testable import Controller

/// GlobalContextEntries against the local API server: kept by informers or refreshed calls, read by
/// `globalReference` entries, and a rule re-evaluated once the entry it waited for is ready.
@Suite(.serialized) struct GlobalContextTests {
    /// The HTTPS JSON service service entries call (started once).
    static let service = Result { try JSONService() }

    static func entry(_ name: String, spec: JSONValue) -> JSONValue {
        [
            "apiVersion": "kyverno.io/v2beta1", "kind": "GlobalContextEntry", "metadata": ["name": .string(name)],
            "spec": spec,
        ]
    }

    /// A ClusterPolicy on Pods whose rule reads `reference` and fails with `message`.
    static func policy(_ name: String, reference: JSONValue, message: String) -> JSONValue {
        [
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
            "metadata": [
                "name": .string(name), "annotations": ["pod-policies.kyverno.io/autogen-controllers": "none"],
            ],
            "spec": [
                "background": true,
                "rules": [
                    [
                        "name": "r", "match": ["any": [["resources": ["kinds": ["Pod"]]]]],
                        "context": [["name": "value", "globalReference": reference]],
                        "validate": ["message": .string(message), "deny": [:]],
                    ]
                ],
            ],
        ]
    }

    /// Polls the reports until the Pod `uid` has a result line satisfying `condition`.
    static func waitForLine(
        _ harness: ControllerHarness, uid: String, limit: Duration = .seconds(30), _ condition: (String) -> Bool
    ) async throws -> [String] {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while true {
            let lines = try await harness.reports()[uid] ?? []
            if lines.contains(where: condition) || clock.now > deadline { return lines }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func podUID(_ harness: ControllerHarness, _ name: String) async throws -> String {
        let pod = try await harness.client.get(
            GroupVersionResource(group: "", version: "v1", resource: "pods"), namespace: "team", name: name)
        return pod[path: "metadata", "uid"]?.stringValue ?? ""
    }

    @Test func aKubernetesResourceEntryServesEveryObjectAsAnArray() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try harness.apply(ControllerHarness.namespace("team"))
            for name in ["api", "web"] {
                try harness.apply(ControllerHarness.deployment(name, namespace: "team", labelled: true, limits: true))
            }
            try harness.apply(ControllerHarness.pod("p", namespace: "team", labelled: true, limits: true, probes: true))
            try harness.apply(
                Self.entry(
                    "deployments",
                    spec: [
                        "kubernetesResource": ["group": "apps", "version": "v1", "resource": "deployments"],
                        "projections": [["name": "names", "jmesPath": "[].metadata.name"]],
                    ]))
            try harness.apply(
                Self.policy(
                    "count", reference: ["name": "deployments", "jmesPath": "length(@)"],
                    message: "deployments {{ value }}"))
            try harness.apply(
                Self.policy("names", reference: ["name": "deployments.names"], message: "names {{ value }}"))
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            let uid = try await Self.podUID(harness, "p")
            let lines = try await Self.waitForLine(harness, uid: uid) { $0.contains("names") }
            #expect(lines.contains("count r fail deployments 2"))
            #expect(lines.contains(#"names r fail names ["api","web"]"#))
            #expect(controller.globalContext.entry("deployments")?.isReady == true)
            #expect(controller.globalContextStatistics.lists == 1)
        }
    }

    /// What the first scan awaits instead of polling: every listed entry's first load, a Kubernetes API call
    /// and a kubernetesResource list alike.
    @Test func waitingForTheFirstLoadsEndsOnceEveryEntryIsLoaded() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try harness.apply(ControllerHarness.namespace("team"))
            try harness.apply(ControllerHarness.deployment("api", namespace: "team", labelled: true, limits: true))
            try harness.apply(
                Self.entry(
                    "namespace-list", spec: ["apiCall": ["urlPath": "/api/v1/namespaces", "refreshInterval": "1h"]]))
            try harness.apply(
                Self.entry(
                    "deployments",
                    spec: ["kubernetesResource": ["group": "apps", "version": "v1", "resource": "deployments"]]))
            let mapping = try #require(
                try await harness.client.restMapper().mapping(kind: "GlobalContextEntry", group: "kyverno.io"))
            let store = GlobalContextStore(queries: .kyverno())
            let watcher = GlobalContextWatcher(
                client: harness.client, store: store, services: nil,
                settings: .init(
                    resource: mapping.resource, pageSize: 100, minimumWatchTimeout: .seconds(300),
                    backoff: .reflector),
                logger: Logger(label: "test")
            ) { _, _ in }
            #expect(!watcher.initialLoadsDone)
            let task = Task { try await watcher.run() }
            defer { task.cancel() }
            await watcher.waitForInitialLoads()
            #expect(watcher.initialLoadsDone)
            #expect(store.entry("namespace-list")?.isReady == true)
            #expect(store.entry("deployments")?.data?.arrayValue?.count == 1)
        }
    }

    @Test func aMissingEntryIsAnErrorUntilItIsCreatedThenTheResourceIsEvaluatedAgain() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try harness.apply(ControllerHarness.namespace("team"))
            try harness.apply(ControllerHarness.pod("p", namespace: "team", labelled: true, limits: true, probes: true))
            try harness.apply(
                Self.policy(
                    "namespaces", reference: ["name": "namespace-list", "jmesPath": "items | length(@)"],
                    message: "namespaces {{ value }}"))
            var configuration = ControllerHarness.configuration()
            configuration.globalContextWait = .seconds(2)
            let (controller, task) = try harness.start(configuration)
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            let uid = try await Self.podUID(harness, "p")
            let failed = try await Self.waitForLine(harness, uid: uid) { $0.contains("namespaces r error") }
            #expect(
                failed.contains {
                    $0.contains("namespaces r error failed to load context: failed to fetch entry key=namespace-list")
                        && $0.contains("global context entry namespace-list not found")
                })
            try harness.apply(
                Self.entry(
                    "namespace-list",
                    spec: ["apiCall": ["urlPath": "/api/v1/namespaces", "refreshInterval": "1h"]]))
            let lines = try await Self.waitForLine(harness, uid: uid) { $0.contains("namespaces r fail") }
            #expect(lines.contains { $0.hasPrefix("namespaces r fail namespaces ") })
            #expect(controller.globalContextStatistics.calls == 1)
        }
    }

    @Test func aServiceEntryWithProjectionsAndAFailingOne() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        let service = try Self.service.get()
        try await ControllerHarness.with { harness in
            try harness.apply(ControllerHarness.namespace("team"))
            try harness.apply(ControllerHarness.pod("p", namespace: "team", labelled: true, limits: true, probes: true))
            try harness.apply(
                Self.entry(
                    "regions",
                    spec: [
                        "apiCall": [
                            "service": [
                                "url": .string(service.baseURL + "/json"), "caBundle": .string(service.caBundle),
                            ],
                            "refreshInterval": "1h",
                        ],
                        "projections": [["name": "list", "jmesPath": "regions"]],
                    ]))
            try harness.apply(
                Self.entry(
                    "broken",
                    spec: [
                        "apiCall": [
                            "service": [
                                "url": .string(service.baseURL + "/text"), "caBundle": .string(service.caBundle),
                            ],
                            "retryLimit": 2,
                        ]
                    ]))
            try harness.apply(
                Self.policy(
                    "regions", reference: ["name": "regions.list", "jmesPath": "join(',', @)"],
                    message: "regions {{ value }}"))
            try harness.apply(Self.policy("broken", reference: ["name": "broken"], message: "never"))
            let services = try ServiceCallClient()
            var configuration = ControllerHarness.configuration()
            configuration.globalContextWait = .seconds(10)
            let (controller, task) = try harness.start(configuration, services: services)
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            let uid = try await Self.podUID(harness, "p")
            let lines = try await Self.waitForLine(harness, uid: uid) { $0.contains("broken r error") }
            #expect(lines.contains("regions r fail regions eu,us"))
            #expect(
                lines.contains {
                    $0.contains("broken r error") && $0.contains("global context entry broken is not ready")
                        && $0.contains("after 2 attempt(s)")
                })
            #expect(controller.globalContextStatistics.calls == 3)
            await services.shutdown()
        }
    }
}
