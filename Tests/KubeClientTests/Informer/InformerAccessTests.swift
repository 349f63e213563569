import JSONValue
import Synchronization
import Testing

@testable import KubeClient

/// An informer whose list or watch the server forbids (403): it reports the refused verb once, keeps
/// retrying, and starts as soon as access is granted.
struct InformerAccessTests {
    static let forbiddenBody = JSONValue.object([
        "kind": "Status", "apiVersion": "v1", "status": "Failure",
        "message": "pods is forbidden: User \"system:serviceaccount:vigil:vigil\" cannot list resource \"pods\"",
        "reason": "Forbidden", "details": ["kind": "pods"], "code": 403,
    ]).serialized()

    /// Records every forbidden-verb set the informer reports.
    final class AccessLog: Sendable {
        private let changes = Mutex<[Set<String>]>([])
        func record(_ verbs: Set<String>) { changes.withLock { $0.append(verbs) } }
        var all: [Set<String>] { changes.withLock { $0 } }
    }

    static func informer(_ transport: MemoryTransport, log: AccessLog) -> Informer {
        Informer(
            client: KubeClientRESTTests.client(transport),
            configuration: Informer.Configuration(
                resource: InformerTests.pods, pageSize: 3,
                backoff: ExponentialBackoff(initial: .milliseconds(5), maximum: .milliseconds(40)),
                accessObserver: { log.record($0) }))
    }

    @Test func forbiddenListIsReportedOnceRetriedAndStartsWhenGranted() async throws {
        let transport = MemoryTransport()
        transport.serverCreate("pods", namespace: "a", name: "p0")
        transport.inject(Array(repeating: .status(403, retryAfter: nil, body: Self.forbiddenBody), count: 4))
        let log = AccessLog()
        let informer = Self.informer(transport, log: log)
        let recorder = EventRecorder()
        let task = Task { try await informer.run { recorder.record($0) } }
        defer { task.cancel() }
        await informer.waitUntilSynced()
        // Four refusals, one report of the refusal, one of the grant.
        #expect(informer.statistics.forbidden == 4)
        #expect(log.all == [["list"], []])
        #expect(informer.forbiddenVerbs.isEmpty)
        #expect(recorder.view == ["p0": InformerTests.serverView(transport)["p0"]!])
    }

    @Test func forbiddenWatchKeepsTheListedViewAndBacksOff() async throws {
        let transport = MemoryTransport()
        transport.serverCreate("pods", namespace: "a", name: "p0")
        transport.injectOnWatch(Array(repeating: .status(403, retryAfter: nil, body: Self.forbiddenBody), count: 3))
        let log = AccessLog()
        let informer = Self.informer(transport, log: log)
        let recorder = EventRecorder()
        let task = Task { try await informer.run { recorder.record($0) } }
        defer { task.cancel() }
        await informer.waitUntilSynced()
        try await InformerTests.eventually { log.all.count == 2 }
        #expect(log.all == [["watch"], []])
        // Once the watch is permitted, changes arrive through it.
        transport.serverCreate("pods", namespace: "a", name: "p1")
        try await InformerTests.eventually { recorder.view == InformerTests.serverView(transport) }
        #expect(informer.statistics.forbidden == 3)
    }

    @Test func waitsEndOnAForbiddenListOnCancellationAndWhenTheInformerStops() async throws {
        let transport = MemoryTransport()
        transport.serverCreate("pods", namespace: "a", name: "p0")
        transport.inject(Array(repeating: .status(403, retryAfter: nil, body: Self.forbiddenBody), count: 1000))
        let informer = Self.informer(transport, log: AccessLog())
        let task = Task { try await informer.run { _ in } }
        // A wait that accepts a forbidden list ends without a sync.
        await informer.waitUntilSynced(orListForbidden: true)
        #expect(!informer.hasSynced)
        #expect(informer.hasSyncedOrListForbidden)
        // A plain wait ends when its task is cancelled...
        let waiter = Task { await informer.waitUntilSynced() }
        waiter.cancel()
        await waiter.value
        // ...or when the informer stops: it will never sync.
        let stranded = Task { await informer.waitUntilSynced() }
        task.cancel()
        _ = try? await task.value
        await stranded.value
        #expect(!informer.hasSynced)
    }
}
