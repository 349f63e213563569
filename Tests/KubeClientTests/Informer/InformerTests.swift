import Foundation
import JSONValue
import Synchronization
import Testing

@testable import KubeClient

/// Collects informer events and maintains the consumer's view (name → resourceVersion).
final class EventRecorder: Sendable {
    private let state = Mutex<(events: [InformerEvent], view: [String: String])>(([], [:]))

    func record(_ event: InformerEvent) {
        state.withLock { state in
            state.events.append(event)
            switch event {
            case .added(let object), .updated(let object, _):
                state.view[object[path: "metadata", "name"]?.stringValue ?? ""] =
                    object[path: "metadata", "resourceVersion"]?.stringValue
            case .deleted(let identity, _):
                state.view[identity.name] = nil
            case .resynced:
                break
            }
        }
    }

    var events: [InformerEvent] { state.withLock { $0.events } }
    var view: [String: String] { state.withLock { $0.view } }
}

struct InformerTests {
    static let pods = KubeClientRESTTests.pods

    static func serverView(_ transport: MemoryTransport) -> [String: String] {
        var view: [String: String] = [:]
        for object in transport.objects("pods") {
            view[object[path: "metadata", "name"]?.stringValue ?? ""] =
                object[path: "metadata", "resourceVersion"]?.stringValue
        }
        return view
    }

    /// Waits (bounded) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not reached within 5 s")
    }

    static func informer(_ transport: MemoryTransport, keepsObjects: Bool = false) -> Informer {
        Informer(
            client: KubeClientRESTTests.client(transport),
            configuration: Informer.Configuration(
                resource: pods,
                pageSize: 3,
                keepsObjects: keepsObjects,
                backoff: ExponentialBackoff(initial: .milliseconds(5), maximum: .milliseconds(40))
            )
        )
    }

    @Test func listsThenWatchesAndSignalsSync() async throws {
        let transport = MemoryTransport()
        for index in 0..<7 { transport.serverCreate("pods", namespace: "a", name: "p\(index)") }
        let informer = Self.informer(transport)
        let recorder = EventRecorder()
        let task = Task { try await informer.run { recorder.record($0) } }
        defer { task.cancel() }
        await informer.waitUntilSynced()
        #expect(informer.hasSynced)
        #expect(recorder.view == Self.serverView(transport))
        #expect(recorder.events.last == .resynced(resourceVersion: "107", count: 7))
        #expect(transport.requests.first?.path == "/api/v1/pods?limit=3&resourceVersion=0")
        transport.serverUpdate("pods", namespace: "a", name: "p1", spec: ["changed": true])
        transport.serverDelete("pods", namespace: "a", name: "p2")
        transport.serverCreate("pods", namespace: "b", name: "new")
        try await Self.eventually { recorder.view == Self.serverView(transport) }
        #expect(recorder.events.contains { if case .updated(_, let changed) = $0 { changed } else { false } })
        #expect(informer.store.entries.values.allSatisfy { $0.object == JSONValue?.none })
        let watch = try #require(transport.requests.last { $0.path.contains("watch=1") }?.path)
        #expect(watch.contains("resourceVersion=107") && watch.contains("allowWatchBookmarks=true"))
        let timeout = try #require(Int(watch.split(separator: "timeoutSeconds=").last ?? ""))
        #expect((300..<600).contains(timeout))
    }

    @Test func resumesAfterDroppedWatchWithoutMissingOrDuplicating() async throws {
        let transport = MemoryTransport()
        transport.serverCreate("pods", namespace: "a", name: "p0")
        let informer = Self.informer(transport)
        let recorder = EventRecorder()
        let task = Task { try await informer.run { recorder.record($0) } }
        defer { task.cancel() }
        await informer.waitUntilSynced()
        for round in 0..<5 {
            try await Self.eventually { transport.openWatchCount == 1 }
            transport.dropWatches()
            // Writes while no watch is open must still arrive, once.
            transport.serverCreate("pods", namespace: "a", name: "r\(round)")
        }
        try await Self.eventually { recorder.view == Self.serverView(transport) }
        let added = recorder.events.compactMap { event -> String? in
            if case .added(let object) = event { return object[path: "metadata", "name"]?.stringValue }
            return nil
        }
        #expect(added.sorted() == ["p0", "r0", "r1", "r2", "r3", "r4"])
        #expect(informer.statistics.lists == 1)
    }

    @Test func relistsAfterCompactionAndReportsMissedDeletions() async throws {
        let transport = MemoryTransport()
        for index in 0..<4 { transport.serverCreate("pods", namespace: "a", name: "p\(index)") }
        let informer = Self.informer(transport, keepsObjects: true)
        let recorder = EventRecorder()
        let task = Task { try await informer.run { recorder.record($0) } }
        defer { task.cancel() }
        await informer.waitUntilSynced()
        try await Self.eventually { transport.openWatchCount == 1 }
        // Changes happen while the watch is down (every reconnection is refused until the faults are
        // cleared), then history is compacted: the resumed watch gets 410.
        transport.injectOnWatch(Array(repeating: .connectionRefused, count: 100_000))
        transport.dropWatches()
        transport.serverDelete("pods", namespace: "a", name: "p0")
        transport.serverUpdate("pods", namespace: "a", name: "p1", spec: ["v": 2])
        transport.compact()
        transport.clearWatchFaults()
        try await Self.eventually {
            recorder.view == Self.serverView(transport) && informer.statistics.expiredRelists >= 1
        }
        #expect(informer.statistics.lists >= 2)
        #expect(
            recorder.events.contains {
                if case .deleted(let identity, let last) = $0 {
                    identity.name == "p0" && last?[path: "metadata", "name"] == "p0"
                } else {
                    false
                }
            })
        #expect(informer.store.entries.values.allSatisfy { $0.object != JSONValue?.none })
    }

    @Test func convergesThroughErrorStorms() async throws {
        let transport = MemoryTransport()
        for index in 0..<10 { transport.serverCreate("pods", namespace: "a", name: "p\(index)") }
        transport.inject([
            .status(429, retryAfter: 0, body: "Too many requests, please try again later."), .connectionRefused,
            .status(500, retryAfter: nil, body: ""),
        ])
        transport.injectOnWatch([
            .status(429, retryAfter: 1, body: "Too many requests, please try again later."), .connectionRefused,
            .status(500, retryAfter: nil, body: "{}"), .connectionRefused,
        ])
        let informer = Self.informer(transport)
        let recorder = EventRecorder()
        let task = Task { try await informer.run { recorder.record($0) } }
        defer { task.cancel() }
        for index in 10..<20 { transport.serverCreate("pods", namespace: "a", name: "p\(index)") }
        transport.serverDelete("pods", namespace: "a", name: "p3")
        try await Self.eventually { recorder.view == Self.serverView(transport) && transport.openWatchCount == 1 }
        #expect(informer.statistics.errors >= 4)
        #expect(recorder.view.count == 19)
    }

    @Test func stopsOnCancellation() async throws {
        let transport = MemoryTransport()
        let informer = Self.informer(transport)
        let task = Task { try await informer.run { _ in } }
        await informer.waitUntilSynced()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await Self.eventually { transport.openWatchCount == 0 }
    }
}
