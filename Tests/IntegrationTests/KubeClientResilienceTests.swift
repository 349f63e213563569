import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Synchronization
import Testing

/// The client and its informer against the local API server under faults: refused connections, 429 and
/// 5xx storms, dropped watches, compaction, conflicting writers.
@Suite("KubeClient resilience against the local API server", .timeLimit(.minutes(3)))
struct KubeClientResilienceTests {
    @Test func informerConvergesAfterConnectionRefusedStorms() async throws {
        try await ServerHarness.withServer { server in
            for index in 0..<30 { try server.apply(ServerHarness.configMap("cm-\(index)")) }
            try await ServerHarness.withClient(ServerHarness.configuration(for: server)) { client in
                let view = InformerView(client: client, pageSize: 7)
                await view.start()
                defer { view.stop() }
                let watchesBefore = view.informer.statistics.watches
                for round in 0..<3 {
                    // The port refuses connections for a while; the store changes meanwhile.
                    async let refusal: Void = server.refuseConnections(for: .milliseconds(600))
                    try await Task.sleep(for: .milliseconds(150))
                    try server.apply(ServerHarness.configMap("cm-\(round)", data: "storm-\(round)"))
                    try server.apply(ServerHarness.configMap("storm-\(round)"))
                    try await refusal
                }
                #expect(try await view.converges(to: server))
                #expect(view.current.count == 33)
                #expect(view.informer.statistics.watches > watchesBefore, "the informer re-watched")
            }
        }
    }

    @Test(
        "informer converges after error storms",
        arguments: [
            FaultInjector.Failure(status: 429, retryAfterSeconds: 1),
            FaultInjector.Failure(status: 500),
            FaultInjector.Failure(status: 503, retryAfterSeconds: 1),
        ])
    func informerConvergesAfterErrorStorms(failure: FaultInjector.Failure) async throws {
        try await ServerHarness.withServer { server in
            for index in 0..<40 { try server.apply(ServerHarness.configMap("cm-\(index)")) }
            let failedResponses = Mutex(0)
            try await ServerHarness.withClient(
                ServerHarness.configuration(for: server),
                metrics: { metric in
                    if metric.statusCode == failure.status { failedResponses.withLock { $0 += 1 } }
                }
            ) { client in
                let view = InformerView(client: client, pageSize: 9)
                await view.start()
                defer { view.stop() }
                server.faults.failFraction(0.8, with: failure)
                for round in 0..<4 {
                    server.store.closeAllWatches()
                    try server.apply(ServerHarness.configMap("cm-\(round)", data: "storm-\(round)"))
                    try server.apply(ServerHarness.configMap("storm-\(round)"))
                    if round == 2 { server.store.compact() }  // the re-watch gets 410 and must relist
                    try await Task.sleep(for: .milliseconds(250))
                }
                #expect(server.faults.injectedCount > 0)
                server.faults.reset()
                #expect(try await view.converges(to: server))
                #expect(view.current.count == 44)
                #expect(failedResponses.withLock { $0 } > 0, "the storm reached the client")
                if failure.retryAfterSeconds == nil {
                    // Without Retry-After the client does not retry, so the informer itself sees the errors;
                    // with it, the client's retries (up to ten) may absorb every one of them.
                    #expect(view.informer.statistics.errors > 0, "the storm reached the informer")
                }
            }
        }
    }

    @Test func requestsRetry429WithRetryAfterUpToTenTimes() async throws {
        try await ServerHarness.withServer { server in
            let statuses = Mutex<[Int?]>([])
            try await ServerHarness.withClient(
                ServerHarness.configuration(for: server),
                metrics: { metric in statuses.withLock { $0.append(metric.statusCode) } }
            ) { client in
                try server.apply(ServerHarness.configMap("a"))
                server.faults.failNext(10, with: .tooManyRequests)
                let object = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                #expect(object[path: "metadata", "name"] == "a")
                #expect(statuses.withLock { $0 } == Array(repeating: 429, count: 10) + [200])

                statuses.withLock { $0 = [] }
                server.faults.failNext(11, with: .tooManyRequests)
                await #expect {
                    _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                } throws: { error in
                    let error = error as? KubeAPIError
                    return error?.reason == .tooManyRequests && error?.code == 429
                        && error?.message.contains("Too many requests") == true
                }
                #expect(statuses.withLock { $0.count } == 11, "one attempt and ten retries")
            }
        }
    }

    @Test func watchesResumeAfterDroppedConnectionsWithoutGapsOrDuplicates() async throws {
        try await ServerHarness.withServer { server in
            try await ServerHarness.withClient(ServerHarness.configuration(for: server)) { client in
                let start = try await client.list(ServerHarness.configMaps, namespace: "default")
                let writer = Task {
                    for index in 0..<300 {
                        let name = "cm-\(index % 40)"
                        try server.apply(ServerHarness.configMap(name, data: "\(index)"))
                        if index % 25 == 0 { server.store.closeAllWatches() }  // drop every open watch
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    try server.apply(ServerHarness.configMap("done"))
                }
                var seen: [String] = []
                var resourceVersion = start.resourceVersion
                var reconnects = 0
                watching: while true {
                    let stream = try await client.watch(
                        ServerHarness.configMaps, namespace: "default",
                        options: WatchOptions(resourceVersion: resourceVersion, timeoutSeconds: 30))
                    for try await event in stream {
                        guard let version = event.resourceVersion else { continue }
                        resourceVersion = version
                        if case .bookmark = event { continue }
                        seen.append(version)
                        if event.object?[path: "metadata", "name"] == "done" { break watching }
                    }
                    reconnects += 1
                }
                try await writer.value
                let history = try Self.history(of: server, after: start.resourceVersion)
                #expect(seen == history, "every change exactly once, in order")
                #expect(seen.count == 301)
                #expect(reconnects >= 5)
            }
        }
    }

    /// Every resourceVersion written to ConfigMaps after `version`, from the server's watch cache.
    static func history(of server: LocalAPIServer, after version: String) throws -> [String] {
        let info = try #require(server.store.registry.resolve(group: "", version: "v1", plural: "configmaps"))
        let registration = try server.store.watch(
            info, filter: ObjectFilter(namespace: "default"), start: .after(Int(version) ?? 0))
        server.store.stopWatch(registration)
        return registration.initial.compactMap { signal in
            if case .event(_, let object) = signal { return String(object.resourceVersion) }
            return nil
        }
    }

    @Test func concurrentUpdatersConflictAndRetryWithoutLosingWrites() async throws {
        try await ServerHarness.withServer { server in
            try await ServerHarness.withClient(ServerHarness.configuration(for: server)) { client in
                _ = try await client.create(
                    ServerHarness.configMaps, namespace: "default",
                    object: ServerHarness.configMap("counter", data: "0"))
                let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
                    for writer in 0..<8 {
                        group.addTask {
                            var conflicts = 0
                            for step in 0..<10 {
                                // Each writer also counts its own steps, so that after a lost connection it
                                // can tell whether its update was applied before trying again.
                                let own = "writer-\(writer)"
                                while true {
                                    var object = try await client.get(
                                        ServerHarness.configMaps, namespace: "default", name: "counter")
                                    if object[path: "data", own]?.stringValue == String(step + 1) { break }
                                    let value = Int(object[path: "data", "key"]?.stringValue ?? "") ?? -1
                                    object["data"]?["key"] = .string(String(value + 1))
                                    object["data"]?[own] = .string(String(step + 1))
                                    do {
                                        _ = try await client.update(
                                            ServerHarness.configMaps, namespace: "default", object: object)
                                        break
                                    } catch let error as KubeAPIError where error.reason == .conflict {
                                        conflicts += 1
                                    } catch is KubeTransportError {
                                        continue  // applied or not: the next read tells
                                    }
                                }
                            }
                            return conflicts
                        }
                    }
                    return try await group.reduce(0, +)
                }
                let final = try await client.get(ServerHarness.configMaps, namespace: "default", name: "counter")
                #expect(final[path: "data", "key"] == "80", "no update was lost (\(conflicts) conflicts)")
                #expect((0..<8).allSatisfy { final[path: "data", "writer-\($0)"] == "10" })

                var stale = final
                stale["metadata"]?["resourceVersion"] = "1"
                await #expect {
                    _ = try await client.update(ServerHarness.configMaps, namespace: "default", object: stale)
                } throws: { error in
                    let error = error as? KubeAPIError
                    return error?.reason == .conflict && error?.code == 409
                        && error?.message.contains("the object has been modified") == true
                }
            }
        }
    }
}
