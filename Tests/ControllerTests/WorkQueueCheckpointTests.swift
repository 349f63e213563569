import JSONValue
import KubeClient
import Testing

@testable import Controller

/// Waiting for a batch of work (``WorkQueue/Checkpoint``) instead of an idle queue, the controller's merge
/// of queued items, and every wait ending on cancellation and shutdown.
@Suite("Work queue checkpoints")
struct WorkQueueCheckpointTests {
    static let fast = ExponentialBackoff(initial: .milliseconds(1), maximum: .milliseconds(4), jitter: 0)

    static let pods = ResourceMapping(
        resource: GroupVersionResource(group: "", version: "v1", resource: "pods"), kind: "Pod", namespaced: true,
        verbs: ["list", "watch"])

    static func listed(_ uid: String, resourceVersion: String) -> ScanItem {
        let object: JSONValue = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": "web", "namespace": "shop", "uid": .string(uid), "resourceVersion": .string(resourceVersion),
            ],
        ]
        return .evaluate(ScanTarget(mapping: pods, namespace: "shop", name: "web", uid: uid), object: object)
    }

    @Test func theControllersQueueKeepsAQueuedDeleteOverAStaleListedObject() async throws {
        let queue = ScanTerm.makeQueue(ReportsController.Configuration())
        // A list page read before the object was deleted is queued after its deletion.
        await queue.add("uid-1", Self.listed("uid-1", resourceVersion: "10"))
        queue.insert("uid-1", .delete(uid: "uid-1"))
        await queue.add("uid-1", Self.listed("uid-1", resourceVersion: "9"))
        let (key, item) = try #require(await queue.next())
        #expect(key == "uid-1")
        guard case .delete(let uid) = item else {
            Issue.record("the stale evaluation replaced the deletion: \(item)")
            return
        }
        #expect(uid == "uid-1")
        // Nor while the key is in progress: a stale list page does not replace the deletion queued behind it.
        queue.insert("uid-1", .delete(uid: "uid-1"))
        await queue.add("uid-1", Self.listed("uid-1", resourceVersion: "11"))
        queue.done("uid-1")
        let (_, next) = try #require(await queue.next())
        if case .evaluate = next { Issue.record("the stale evaluation replaced the deletion in progress") }
        queue.done("uid-1")
    }

    @Test func aListedCopyOlderThanTheInformersIsReadAgain() throws {
        let target = ScanTarget(mapping: Self.pods, namespace: "shop", name: "web", uid: "uid-1")
        guard case .evaluate(_, let object) = Self.listed("uid-1", resourceVersion: "10") else { return }
        let listed = try #require(object)
        func readsAgain(_ informed: String?) -> Bool {
            guard case .evaluate(_, let object) = ScanItem.listed(listed, target: target, informedVersion: informed)
            else {
                return false
            }
            return object == nil
        }
        // The watch delivered a newer version (maybe evaluated already): the page's copy is stale.
        #expect(readsAgain("12"))
        // Gone since the page was read, or not seen yet: the read tells.
        #expect(readsAgain(nil))
        // An opaque version that differs cannot be ordered: read again.
        #expect(readsAgain("abc"))
        // The same version, or the page is ahead of the watch: the listed copy is current.
        #expect(!readsAgain("10"))
        #expect(!readsAgain("7"))
    }

    @Test func holdsKnowsWaitingInProgressChangedAndBackedOffKeys() async {
        let queue = WorkQueue<Int>(
            capacity: 10, backoff: ExponentialBackoff(initial: .seconds(60), maximum: .seconds(60), jitter: 0))
        #expect(!queue.holds("a"))
        await queue.add("a", 1)
        #expect(queue.holds("a"))
        #expect(await queue.next()?.0 == "a")
        #expect(queue.holds("a"), "in progress")
        queue.insert("a", 2)
        queue.done("a")
        #expect(queue.holds("a"), "changed while in progress, queued again")
        #expect(await queue.next()?.0 == "a")
        queue.retry("a", 2)
        #expect(queue.holds("a"), "parked in backoff")
        await queue.add("b", 3)
        #expect(await queue.next()?.0 == "b")
        queue.done("b")
        #expect(!queue.holds("b"))
        queue.shutDown()
    }

    @Test func aCheckpointWaitsForItsKeysNotForAnIdleQueue() async throws {
        let queue = WorkQueue<Int>(capacity: 10, backoff: Self.fast)
        await queue.add("failing", 0)
        await queue.add("a", 1)
        await queue.add("b", 2)
        let checkpoint = queue.checkpoint()
        // Keys queued after the checkpoint are not part of it.
        await queue.add("later", 3)
        var processed: [String] = []
        while !queue.isComplete(checkpoint) {
            let (key, item) = try #require(await queue.next())
            processed.append(key)
            // "failing" never succeeds: parked in backoff, it counts as processed for the checkpoint.
            if key == "failing" { queue.retry(key, item) } else { queue.done(key) }
        }
        await queue.wait(for: checkpoint)
        #expect(processed == ["failing", "a", "b"])
        #expect(!queue.isIdle)
        // An empty checkpoint is complete at once, even with a key in backoff.
        let (key, item) = try #require(await queue.next())
        #expect(key == "later")
        queue.done(key)
        _ = item
        let empty = queue.checkpoint()
        #expect(queue.isComplete(empty) || queue.depth > 0)
        queue.shutDown()
    }

    @Test func aKeyInProgressWithANewerItemNeedsBoth() async throws {
        let queue = WorkQueue<Int>(capacity: 10, backoff: Self.fast)
        await queue.add("a", 1)
        let first = try #require(await queue.next())
        await queue.add("a", 2)  // changed while in progress: dirty
        let checkpoint = queue.checkpoint()
        queue.done(first.0)
        #expect(!queue.isComplete(checkpoint))
        let second = try #require(await queue.next())
        #expect(second.1 == 2)
        queue.done(second.0)
        #expect(queue.isComplete(checkpoint))
    }

    @Test func aCheckpointCompletesUnderConstantChanges() async throws {
        let queue = WorkQueue<Int>(capacity: 100, backoff: Self.fast)
        for index in 0..<20 { await queue.add("key-\(index)", 0) }
        let checkpoint = queue.checkpoint()
        let waiter = Task { await queue.wait(for: checkpoint) }
        var round = 0
        // Every key changes again while it is processed: the queue is never idle.
        while !queue.isComplete(checkpoint) {
            let (key, _) = try #require(await queue.next())
            round += 1
            await queue.add(key, round)
            await queue.add("new-\(round)", round)
            queue.done(key)
            #expect(round < 1000, "the checkpoint never completes")
            if round >= 1000 { break }
        }
        await waiter.value
        #expect(!queue.isIdle)
        queue.shutDown()
    }

    @Test(arguments: 0..<3)
    func everyWaitEndsOnShutdownAndOnCancellation(_ which: Int) async throws {
        let queue = WorkQueue<Int>(capacity: 1, backoff: Self.fast)
        await queue.add("a", 1)
        let checkpoint = queue.checkpoint()
        let waits: [Task<Void, Never>] = [
            Task { await queue.wait(for: checkpoint) },
            Task { await queue.waitUntilIdle() },
            Task { await queue.add("b", 2) },  // the queue is full
        ]
        try await Task.sleep(for: .milliseconds(20))
        // Cancelling one wait ends it; shutting the queue down ends all the others.
        waits[which].cancel()
        await waits[which].value
        queue.shutDown()
        for wait in waits { await wait.value }
        #expect(await queue.next() == nil)
    }

    @Test func waitingForSettlingEndsWhenCancelled() async throws {
        let status = ControllerStatus()
        let waiter = Task { await status.waitUntilSettled() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        #expect(await waiter.value == false)
        let stopped = Task { await status.waitUntilSettled() }
        try await Task.sleep(for: .milliseconds(20))
        status.markStopped()
        #expect(await stopped.value == false)
    }

    @Test func aRescanTicketResumesItsWaiterOnceOnEveryPath() async throws {
        let served = RescanTicket()
        let servedWaiter = Task { await served.wait() }
        try await Task.sleep(for: .milliseconds(10))
        served.finish(completed: true)
        served.finish(completed: false)
        #expect(await servedWaiter.value)

        let early = RescanTicket()
        early.finish(completed: false)
        #expect(await early.wait() == false)

        let cancelled = RescanTicket()
        let cancelledWaiter = Task { await cancelled.wait() }
        try await Task.sleep(for: .milliseconds(10))
        cancelledWaiter.cancel()
        #expect(await cancelledWaiter.value == false)
        cancelled.finish(completed: true)  // the loop serves it later: nothing left to resume
    }
}
