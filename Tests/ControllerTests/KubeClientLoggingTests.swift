import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Logging
import Testing

/// What the KubeClient, its informers and its leader elector tell an operator (swift-log, `k8s.*` metadata),
/// against the local API server with injected faults.
@Suite(.serialized) struct KubeClientLoggingTests {
    typealias Records = InformerAccessLogTests.CapturingHandler.Records

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    /// Runs `body` with a client of the harness's server that logs into `records`.
    static func withLoggingClient(
        _ harness: ControllerHarness, _ records: Records, _ body: (KubeClient) async throws -> Void
    ) async throws {
        let configuration = try ClientConfiguration.load(kubeconfig: harness.kubeconfig, environment: [:])
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(
            configuration: configuration, transport: transport,
            retryPolicy: RetryPolicy(
                maximumRetries: 3, backoff: ExponentialBackoff(initial: .milliseconds(5), maximum: .milliseconds(50)),
                maximumRetryAfter: .milliseconds(50)),
            logger: Logger(label: "vigil.k8s") { _ in InformerAccessLogTests.CapturingHandler(records: records) })
        do {
            try await body(client)
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
    }

    static func configMap(_ name: String, _ data: String = "") -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "default"],
            "data": ["value": .string(data)],
        ]
    }

    @Test func retriesAreLoggedWithVerbResourceStatusAndAttempt() async throws {
        try await ControllerHarness.with { harness in
            try harness.apply(Self.configMap("a"))
            let records = Records()
            try await Self.withLoggingClient(harness, records) { client in
                harness.server.faults.failNext(2, with: .tooManyRequests)
                let object = try await client.get(Self.configMaps, namespace: "default", name: "a")
                #expect(object[path: "metadata", "name"] == "a")
            }
            let retries = records.all.filter { $0.message == "retrying request" }
            #expect(retries.count == 2)
            #expect(retries.allSatisfy { $0.level == .info })
            #expect(retries.map { $0.metadata["k8s.attempt"]?.description } == ["1", "2"])
            #expect(retries.allSatisfy { $0.metadata["k8s.status"]?.description == "429" })
            #expect(retries.allSatisfy { $0.metadata["k8s.verb"]?.description == "get" })
            #expect(retries.allSatisfy { $0.metadata["k8s.resource"]?.description == "configmaps" })
        }
    }

    @Test func anExpiredWatchLogsTheRelist() async throws {
        try await ControllerHarness.with { harness in
            try harness.apply(Self.configMap("a"))
            let records = Records()
            try await Self.withLoggingClient(harness, records) { client in
                let informer = Informer(
                    client: client, configuration: Informer.Configuration(resource: Self.configMaps, pageSize: 10))
                let task = Task { try await informer.run { _ in } }
                defer { task.cancel() }
                await informer.waitUntilSynced()
                // Writes the informer misses while its watch is closed, then the history is compacted: the
                // re-watch from its resource version gets 410 Expired.
                let deadline = ContinuousClock.now + .seconds(20)
                var round = 0
                while !records.all.contains(where: { $0.message == "watch expired; relisting" }),
                    ContinuousClock.now < deadline
                {
                    round += 1
                    _ = harness.server.store.closeAllWatches()
                    try harness.apply(Self.configMap("a", "\(round)"))
                    harness.server.store.compact()
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let relist = records.all.first { $0.message == "watch expired; relisting" }
            #expect(relist?.level == .info)
            #expect(relist?.metadata["k8s.resource"]?.description == "configmaps")
            #expect(relist?.metadata["k8s.resourceVersion"] != nil)
        }
    }

    @Test func leadershipChangesAreLoggedWithTheLease() async throws {
        try await ControllerHarness.with { harness in
            let records = Records()
            try await Self.withLoggingClient(harness, records) { client in
                let elector = LeaderElector(
                    client: client,
                    configuration: LeaderElector.Configuration(
                        namespace: "default", name: "logged-lease", identity: "candidate-a",
                        leaseDuration: .seconds(3), renewDeadline: .seconds(2), retryPeriod: .milliseconds(500)))
                let task = Task { try await elector.run { try await Task.sleep(for: .seconds(60)) } }
                let deadline = ContinuousClock.now + .seconds(10)
                while !elector.isLeader, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                task.cancel()
                _ = try? await task.value
            }
            let acquired = records.all.first { $0.message == "acquired lease; leading" }
            #expect(acquired?.level == .info)
            #expect(acquired?.metadata["k8s.lease"]?.description == "default/logged-lease")
            #expect(acquired?.metadata["k8s.identity"]?.description == "candidate-a")
        }
    }
}
