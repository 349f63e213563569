import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Synchronization

/// `vigil-bench kubeclient`: Vigil's Kubernetes client (libcurl, HTTP/2 over TLS) against the local API
/// server in the same process: list and decode many Pods in pages of 500, many concurrent watches sharing
/// one connection, and many concurrent creates multiplexed over it, with the peak resident memory of the
/// process (server included: `server_rss_mb` is the memory with the server loaded, before the client runs;
/// the listed Pods are all kept, so the peak holds the decoded list).
enum KubeClientBench {
    static func run(_ arguments: [String]) async throws {
        let options = BenchArguments(arguments)
        let podCount = options.int("--pods", 100_000)
        let watchCount = options.int("--watches", 50)
        let eventCount = options.int("--events", 2_000)
        let createCount = options.int("--creates", 10_000)
        let concurrency = options.int("--concurrency", 100)

        let server = try LocalAPIServer(configuration: .init(port: 0, tokens: ["bench"]))
        try await server.start()
        let registry = server.store.registry
        let pods = try registry.resolve(group: "", version: "v1", plural: "pods").unwrap("pods")
        let namespaces = try registry.resolve(group: "", version: "v1", plural: "namespaces").unwrap("namespaces")
        for name in (0..<20).map({ "ns-\($0)" }) + ["watched", "created"] {
            _ = try server.store.create(
                namespaces, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
        }
        for index in 0..<podCount { _ = try server.store.create(pods, object: APIServerBench.pod(index)) }
        // The server shares the process: its memory with the Pods loaded, before the client runs.
        let serverResident = ProcessMemory.residentMegabytes
        print("resident with the server loaded: \(APIServerBench.format(serverResident)) MB")

        let configuration = ClientConfiguration(
            server: server.baseURL,
            tls: .init(certificateAuthorityPEM: server.caCertificatePEM.map { Array($0.utf8) }),
            authentication: .bearerToken("bench"), qps: 1_000_000, burst: 1_000_000)
        let transport = CountingTransport(base: try CurlKubeTransport(configuration: configuration))
        let client = KubeClient(configuration: configuration, transport: transport)
        let podResource = GroupVersionResource(group: "", version: "v1", resource: "pods")

        // 1. List and decode every Pod, 500 per page.
        let listStart = ContinuousClock.now
        let list = try await client.listAll(podResource, pageSize: 500)
        let listSeconds = APIServerBench.seconds(ContinuousClock.now - listStart)
        guard list.items.count == podCount else { throw BenchError("listed \(list.items.count) of \(podCount) pods") }
        let listBytes = Double(transport.bytes)
        let listMBs = listBytes / 1_048_576 / listSeconds
        let listObjects = Double(podCount) / listSeconds
        print(
            "list: \(podCount) pods, \(APIServerBench.format(listBytes / 1_048_576)) MB in "
                + "\(APIServerBench.format(listSeconds)) s (\(APIServerBench.format(listMBs)) MB/s, \(Int(listObjects)) objects/s)"
        )

        // 2. Concurrent watches over one connection; the server writes `eventCount` changes.
        let watch = try await watchFanOut(
            client: client, server: server, pods: pods, watches: watchCount, events: eventCount)
        print(
            "watch: \(watchCount) watches × \(eventCount) events in \(APIServerBench.format(watch.seconds)) s "
                + "(\(Int(watch.rate)) events/s)")

        // 3. Concurrent creates, multiplexed over the same HTTP/2 connection.
        let createStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: createCount, by: concurrency) {
                        var pod = APIServerBench.pod(podCount + index)
                        pod["metadata"]?["namespace"] = "created"
                        _ = try await client.create(podResource, namespace: "created", object: pod)
                    }
                }
            }
            try await group.waitForAll()
        }
        let createSeconds = APIServerBench.seconds(ContinuousClock.now - createStart)
        let writes = Double(createCount) / createSeconds
        print(
            "create: \(createCount) pods, \(concurrency) at a time, in \(APIServerBench.format(createSeconds)) s "
                + "(\(Int(writes)) writes/s)")

        let peak = ProcessMemory.peakResidentMegabytes
        await transport.base.shutdown()
        await server.stop()
        print(
            "list_mb_s=\(APIServerBench.format(listMBs)) list_objects_s=\(Int(listObjects)) "
                + "watch_events_s=\(Int(watch.rate)) create_writes_s=\(Int(writes)) "
                + "peak_rss_mb=\(APIServerBench.format(peak)) server_rss_mb=\(APIServerBench.format(serverResident)) "
                + "connections=\(server.connectionsAccepted)")
    }

    /// Opens `watches` watches on Pods in `watched`, then writes `events` changes there straight into the
    /// store, and waits until every watch has decoded every event.
    static func watchFanOut(
        client: KubeClient, server: LocalAPIServer, pods: ResourceInfo, watches: Int, events: Int
    ) async throws -> (seconds: Double, rate: Double) {
        let podResource = GroupVersionResource(group: "", version: "v1", resource: "pods")
        let version = String(server.store.currentRevision)
        let streams = try await withThrowingTaskGroup(of: WatchStream.self) { group in
            for _ in 0..<watches {
                group.addTask {
                    try await client.watch(
                        podResource, namespace: "watched",
                        options: WatchOptions(resourceVersion: version, allowWatchBookmarks: false, timeoutSeconds: 600)
                    )
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for stream in streams {
                group.addTask {
                    var received = 0
                    for try await _ in stream {
                        received += 1
                        if received == events { break }
                    }
                    return received
                }
            }
            for index in 0..<events {
                var pod = APIServerBench.pod(index % 100)
                pod["metadata"]?["namespace"] = "watched"
                pod["metadata"]?["annotations"] = ["bench": .string(String(index))]
                _ = try server.store.update(
                    pods, namespace: "watched", name: "pod-\(index % 100)", createIfMissing: true
                ) {
                    _ in pod
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = APIServerBench.seconds(ContinuousClock.now - start)
        server.store.closeAllWatches()
        guard total == watches * events else { throw BenchError("watches received \(total) of \(watches * events)") }
        return (elapsed, Double(total) / elapsed)
    }
}

/// Counts the body bytes of whole responses.
final class CountingTransport: KubeTransport {
    let base: CurlKubeTransport
    private let byteCount = Atomic<Int>(0)

    init(base: CurlKubeTransport) { self.base = base }

    var bytes: Int { byteCount.load(ordering: .relaxed) }

    func execute(_ request: KubeRequest, credentials: Credentials) async throws -> KubeResponse {
        let response = try await base.execute(request, credentials: credentials)
        byteCount.add(response.body.count, ordering: .relaxed)
        return response
    }

    func stream(_ request: KubeRequest, credentials: Credentials) async throws -> KubeStreamingResponse {
        try await base.stream(request, credentials: credentials)
    }
}
