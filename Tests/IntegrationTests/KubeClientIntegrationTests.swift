import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Testing

/// Vigil's client (libcurl, HTTP/2) against the in-process local API server over TLS with a bearer token.
@Suite("KubeClient against the local API server")
struct KubeClientIntegrationTests {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    /// Starts a server and a client configured through a kubeconfig the server writes.
    static func withServer(
        _ body: (LocalAPIServer, KubeClient) async throws -> Void
    ) async throws {
        let server = try LocalAPIServer(configuration: .init(port: 0, tokens: ["vigil-token"]))
        try await server.start()
        let directory = NSTemporaryDirectory() + "vigil-kubeclient-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/kubeconfig"
        try server.writeKubeconfig(to: path, token: "vigil-token")
        var configuration = try ClientConfiguration.load(kubeconfig: path, environment: [:])
        configuration.qps = 1000
        configuration.burst = 1000
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(
            configuration: configuration,
            transport: transport,
            retryPolicy: RetryPolicy(
                maximumRetries: 10,
                backoff: ExponentialBackoff(initial: .milliseconds(10), maximum: .milliseconds(100)),
                maximumRetryAfter: .seconds(1)
            )
        )
        do {
            try await body(server, client)
        } catch {
            await transport.shutdown()
            await server.stop()
            throw error
        }
        await transport.shutdown()
        await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func configMap(_ name: String, namespace: String = "default", data: String = "v") -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "data": ["key": .string(data)],
        ]
    }

    @Test func discoveryAndCRUD() async throws {
        try await Self.withServer { _, client in
            let mapping = try await client.resolveResource("cm")
            #expect(mapping.resource == Self.configMaps)
            #expect(mapping.namespaced)
            let created = try await client.create(Self.configMaps, namespace: "default", object: Self.configMap("a"))
            await #expect {
                _ = try await client.create(Self.configMaps, namespace: "default", object: Self.configMap("a"))
            } throws: { ($0 as? KubeAPIError)?.reason == .alreadyExists }
            var changed = created
            changed["data"] = ["key": "w"]
            _ = try await client.update(Self.configMaps, namespace: "default", object: changed)
            await #expect {
                _ = try await client.update(Self.configMaps, namespace: "default", object: changed)
            } throws: { ($0 as? KubeAPIError)?.reason == .conflict }
            let patched = try await client.patch(
                Self.configMaps, namespace: "default", name: "a", type: .merge, patch: ["data": ["other": "x"]])
            #expect(patched[path: "data", "other"] == "x")
            try await client.delete(Self.configMaps, namespace: "default", name: "a")
            await #expect {
                _ = try await client.get(Self.configMaps, namespace: "default", name: "a")
            } throws: { ($0 as? KubeAPIError)?.reason == .notFound }
        }
    }

    /// libcurl 7.88 resets every stream it finishes (seen when no other stream is open on the connection);
    /// a server that counted those resets as an attack (NIO's default: 200 in 30 s) dropped the connection,
    /// and every request on it, after 200 requests in a row. 155 streams at once fit in one connection, as
    /// kube-apiserver allows 1,000.
    @Test func sequentialRequestsWatchesAndConcurrentCreatesShareOneHTTP2Connection() async throws {
        try await Self.withServer { server, client in
            for index in 0..<500 {
                _ = try await client.create(
                    Self.configMaps, namespace: "default", object: Self.configMap("one-\(index)"))
            }
            let version = String(server.store.currentRevision)
            let watches = try await withThrowingTaskGroup(of: WatchStream.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        try await client.watch(
                            Self.configMaps, namespace: "default",
                            options: WatchOptions(resourceVersion: version, timeoutSeconds: 120))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let creates = 1_000
            try await withThrowingTaskGroup(of: Void.self) { group in
                // More at once than curl's default of 100 streams per connection.
                for worker in 0..<150 {
                    group.addTask {
                        for index in stride(from: worker, to: creates, by: 150) {
                            _ = try await client.create(
                                Self.configMaps, namespace: "default", object: Self.configMap("cm-\(index)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = try await withThrowingTaskGroup(of: Set<String>.self) { group in
                for watch in watches {
                    group.addTask {
                        var names = Set<String>()
                        for try await event in watch {
                            if case .added(let object) = event, let name = object[path: "metadata", "name"]?.stringValue
                            {
                                names.insert(name)
                            }
                            if names.count == creates { break }
                        }
                        return names
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(seen.allSatisfy { $0.count == creates })
            #expect(server.connectionsAccepted == 1, "every request and watch multiplexed over one connection")
        }
    }

    @Test func pagesTenThousandObjectsConsistentlyDuringWrites() async throws {
        try await Self.withServer { server, client in
            for index in 0..<10_000 { try server.apply(Self.configMap("cm-\(index)")) }
            let writer = Task {
                for index in 0..<200 {
                    try server.apply(Self.configMap("late-\(index)"))
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            let list = try await client.listAll(Self.configMaps, namespace: "default", pageSize: 500)
            try await writer.value
            let names = Set(list.items.compactMap { $0[path: "metadata", "name"]?.stringValue })
            // One consistent snapshot: every original object once, and only objects from that snapshot.
            #expect(list.items.count == names.count)
            #expect((0..<10_000).allSatisfy { names.contains("cm-\($0)") })
            let lateInSnapshot = names.filter { $0.hasPrefix("late-") }.count
            #expect(names.count == 10_000 + lateInSnapshot)
        }
    }

    @Test func informerConvergesThroughDropsCompactionAndErrors() async throws {
        try await Self.withServer { server, client in
            for index in 0..<50 { try server.apply(Self.configMap("cm-\(index)")) }
            let view = InformerView(client: client)
            await view.start()
            defer { view.stop() }
            for round in 0..<3 {
                server.store.closeAllWatches()
                try server.apply(Self.configMap("cm-\(round)", data: "changed-\(round)"))
                server.faults.failNext(3)
                try server.apply(Self.configMap("new-\(round)"))
            }
            server.store.compact()
            server.store.closeAllWatches()
            _ = try await client.delete(Self.configMaps, namespace: "default", name: "cm-10")
            #expect(try await view.converges(to: server))
        }
    }

    @Test func leaderElectionHandsOver() async throws {
        try await Self.withServer { _, client in
            func elector(_ identity: String) -> LeaderElector {
                LeaderElector(
                    client: client,
                    configuration: LeaderElector.Configuration(
                        namespace: "default", name: "vigil", identity: identity, leaseDuration: .seconds(2),
                        renewDeadline: .seconds(1), retryPeriod: .milliseconds(200))
                )
            }
            let first = elector("a")
            let second = elector("b")
            let taskA = Task { try await first.run { try await Task.sleep(for: .seconds(60)) } }
            for _ in 0..<100 where !first.isLeader { try await Task.sleep(for: .milliseconds(50)) }
            #expect(first.isLeader)
            let taskB = Task { try await second.run { try await Task.sleep(for: .seconds(60)) } }
            defer { taskB.cancel() }
            try await Task.sleep(for: .milliseconds(800))
            #expect(!second.isLeader)
            taskA.cancel()
            _ = await taskA.result
            for _ in 0..<100 where !second.isLeader { try await Task.sleep(for: .milliseconds(50)) }
            #expect(second.isLeader)
            let lease = try await client.get(
                GroupVersionResource(group: "coordination.k8s.io", version: "v1", resource: "leases"),
                namespace: "default", name: "vigil")
            #expect(lease[path: "spec", "holderIdentity"] == "b")
        }
    }
}
