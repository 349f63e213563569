import Foundation
import JSONValue
import LocalAPIServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `vigil-bench apiserver`: loads Pods into the local API server, pages through them over HTTP with
/// `limit=500`, measures resident memory, and the rate at which events fan out to many watchers.
enum APIServerBench {
    static func run(_ arguments: [String]) async throws {
        let options = BenchArguments(arguments)
        let podCount = options.int("--pods", 100_000)
        let watcherCount = options.int("--watchers", 100)
        let eventCount = options.int("--events", 2_000)

        let baseline = ProcessMemory.residentMegabytes
        let server = try LocalAPIServer(configuration: .init(port: 0, tls: .disabled, watchCacheCapacity: 10_000))
        try await server.start()
        let pods = try server.store.registry.resolve(group: "", version: "v1", plural: "pods").unwrap("pods")
        let namespaces = try server.store.registry.resolve(group: "", version: "v1", plural: "namespaces").unwrap(
            "namespaces")
        for index in 0..<20 {
            _ = try server.store.create(
                namespaces,
                object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string("ns-\(index)")]])
        }
        let loadStart = ContinuousClock.now
        for index in 0..<podCount {
            _ = try server.store.create(pods, object: pod(index))
        }
        let loadSeconds = seconds(ContinuousClock.now - loadStart)
        let loaded = ProcessMemory.residentMegabytes
        print("loaded \(podCount) pods in \(format(loadSeconds)) s (\(Int(Double(podCount) / loadSeconds)) creates/s)")
        print(
            "resident memory: \(format(baseline)) MB before, \(format(loaded)) MB after (\(format((loaded - baseline) * 1024 / Double(max(podCount, 1)))) KB per pod)"
        )

        // Page through every pod over HTTP with limit=500.
        let pageStart = ContinuousClock.now
        var token: String?
        var pages = 0
        var items = 0
        repeat {
            var path = "/api/v1/pods?limit=500"
            if let token { path += "&continue=\(token)" }
            let list = try await get(server.baseURL + path)
            items += list["items"]?.arrayValue?.count ?? 0
            pages += 1
            token = list[path: "metadata", "continue"]?.stringValue
        } while token != nil
        let pageSeconds = seconds(ContinuousClock.now - pageStart)
        guard items == podCount else { throw BenchError("paged \(items) pods, expected \(podCount)") }
        print(
            "paged \(items) pods in \(pages) pages of 500 in \(format(pageSeconds)) s (\(format(pageSeconds * 1000 / Double(pages))) ms per page)"
        )

        // Watch fan-out: many watchers on pods, a burst of updates.
        let events = try await fanOut(server: server, pods: pods, watchers: watcherCount, events: eventCount)
        print(
            "watch fan-out: \(eventCount) events to \(watcherCount) watchers in \(format(events.seconds)) s (\(Int(events.rate)) deliveries/s)"
        )
        let peak = ProcessMemory.residentMegabytes
        await server.stop()
        print(
            "pods=\(podCount) load_creates_per_s=\(Int(Double(podCount) / loadSeconds)) page_all_s=\(format(pageSeconds)) "
                + "page_ms=\(format(pageSeconds * 1000 / Double(pages))) rss_mb=\(format(peak)) "
                + "rss_per_pod_kb=\(format((loaded - baseline) * 1024 / Double(max(podCount, 1)))) "
                + "watch_fanout_events_per_s=\(Int(events.rate))")
    }

    static func fanOut(server: LocalAPIServer, pods: ResourceInfo, watchers: Int, events: Int) async throws -> (
        seconds: Double, rate: Double
    ) {
        let registrations = try (0..<watchers).map { _ in
            try server.store.watch(
                pods, filter: ObjectFilter(namespace: "ns-0"), start: .after(server.store.currentRevision))
        }
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for registration in registrations {
                group.addTask {
                    var received = 0
                    for await _ in registration.stream {
                        received += 1
                        if received == events { break }
                    }
                    return received
                }
            }
            for index in 0..<events {
                _ = try server.store.update(pods, namespace: "ns-0", name: "pod-\(index % 1000 * 20)") { current in
                    var document = current ?? [:]
                    document["metadata"]?["annotations"] = ["bench": .string(String(index))]
                    return document
                }
            }
            var sum = 0
            for try await count in group { sum += count }
            return sum
        }
        let elapsed = seconds(ContinuousClock.now - start)
        for registration in registrations { server.store.stopWatch(registration) }
        return (elapsed, Double(total) / elapsed)
    }

    static func pod(_ index: Int) -> JSONValue {
        let namespace = "ns-\(index % 20)"
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string("pod-\(index)"), "namespace": .string(namespace),
                "labels": ["app": .string("app-\(index % 50)"), "tier": "backend", "pod-template-hash": "7d9f8c6b5"],
            ],
            "spec": [
                "containers": [
                    [
                        "name": "app", "image": .string("registry.example.com/team/app-\(index % 50):1.\(index % 7)"),
                        "ports": [["containerPort": 8080, "protocol": "TCP"]],
                        "resources": ["requests": ["cpu": "100m", "memory": "128Mi"], "limits": ["memory": "256Mi"]],
                    ]
                ],
                "nodeName": .string("node-\(index % 100)"), "restartPolicy": "Always", "serviceAccountName": "default",
            ],
            "status": [
                "phase": "Running", "podIP": .string("10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)"),
                "containerStatuses": [["name": "app", "ready": true, "restartCount": 0]],
            ],
        ]
    }

    static func get(_ url: String) async throws -> JSONValue {
        guard let address = URL(string: url) else { throw BenchError("bad URL \(url)") }
        let (data, _) = try await URLSession.shared.data(from: address)
        return try JSONValue.parse(Array(data))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Optional {
    func unwrap(_ what: String) throws -> Wrapped {
        guard let self else { throw BenchError("missing \(what)") }
        return self
    }
}
