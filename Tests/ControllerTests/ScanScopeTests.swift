import Controller
import KubeClient
import Testing

@Suite("Scan scope and resource filters")
struct ScanScopeTests {
    @Test func parsesKyvernoResourceFilters() throws {
        let filters = try ResourceFilter.parseList("[Event,*,*] [*/*,kube-system,*],[Node/?*,*,*][Pod,team-?,web-*]")
        #expect(
            filters.map(\.description) == ["[Event,*,*]", "[*/*,kube-system,*]", "[Node/?*,*,*]", "[Pod,team-?,web-*]"])
        #expect(throws: ResourceFilterError.self) { try ResourceFilter.parseList("Event,*,*") }
        #expect(throws: ResourceFilterError.self) { try ResourceFilter.parseList("[,a,b]") }
        #expect(try ResourceFilter.parseList("") == [])
    }

    @Test func filtersMatchKindNamespaceAndName() throws {
        let scope = ScanScope(
            filters: try ResourceFilter.parseList("[Event,*,*][*/*,kube-system,*][Node/?*,*,*][Pod,team-?,web-*]"))
        #expect(!scope.includes(kind: "Event", namespace: "a", name: "e"))
        #expect(!scope.includes(kind: "Pod", namespace: "kube-system", name: "x"))
        #expect(scope.includes(kind: "Node", namespace: "", name: "n1"))  // only Node subresources are filtered
        #expect(!scope.includes(kind: "Pod", namespace: "team-a", name: "web-1"))
        #expect(scope.includes(kind: "Pod", namespace: "team-ab", name: "web-1"))
        #expect(scope.includes(kind: "Pod", namespace: "team-a", name: "api-1"))
    }

    @Test func namespacesIncludeAndExclude() {
        let scope = ScanScope(namespaces: ["a", "b"], excludedNamespaces: ["b"])
        #expect(scope.includes(kind: "Pod", namespace: "a", name: "x"))
        #expect(!scope.includes(kind: "Pod", namespace: "b", name: "x"))
        #expect(!scope.includes(kind: "Pod", namespace: "c", name: "x"))
        #expect(scope.includes(kind: "Namespace", namespace: "", name: "c"))  // cluster-scoped objects stay in scope
    }

    @Test func shardsPartitionUIDs() {
        let uids = (0..<600).map { "3f0c2a1e-\($0)-4b7d-9c51-\($0 * 7)" }
        let scopes = (0..<3).map { ScanScope(shards: 3, shardIndex: $0) }
        for uid in uids { #expect(scopes.filter { $0.owns(uid: uid) }.count == 1) }
        // Every shard gets a fair part.
        for scope in scopes { #expect(uids.filter { scope.owns(uid: $0) }.count > 100) }
        #expect(uids.allSatisfy { ScanScope().owns(uid: $0) })
    }
}

@Suite("Work queue")
struct WorkQueueTests {
    static let fast = ExponentialBackoff(initial: .milliseconds(1), maximum: .milliseconds(4), jitter: 0)

    @Test func deduplicatesWaitingKeysAndKeepsTheMergedItem() async {
        let queue = WorkQueue<Int>(capacity: 10, backoff: Self.fast, merge: { max($0, $1) })
        await queue.add("a", 1)
        await queue.add("b", 5)
        await queue.add("a", 3)
        await queue.add("a", 2)
        #expect(queue.depth == 2)
        let first = await queue.next()
        #expect(first?.0 == "a" && first?.1 == 3)
        let second = await queue.next()
        #expect(second?.0 == "b" && second?.1 == 5)
        queue.done("a")
        queue.done("b")
        #expect(queue.isIdle)
    }

    @Test func aKeyChangedWhileProcessingComesBackAfterDone() async {
        let queue = WorkQueue<Int>(capacity: 10, backoff: Self.fast)
        await queue.add("a", 1)
        let taken = await queue.next()
        #expect(taken?.1 == 1)
        await queue.add("a", 2)
        #expect(queue.depth == 0)  // not handed to a second worker while in progress
        queue.done("a")
        let again = await queue.next()
        #expect(again?.1 == 2)
        queue.done("a")
    }

    @Test func failedKeysAreRetriedWithBackoffAndNeverDropped() async {
        let queue = WorkQueue<Int>(capacity: 10, backoff: Self.fast)
        await queue.add("a", 7)
        for attempt in 0..<20 {
            guard let (key, item) = await queue.next() else {
                Issue.record("queue ended")
                return
            }
            #expect(key == "a" && item == 7)
            #expect(queue.failures(of: "a") == attempt)
            queue.retry(key, item)
            #expect(!queue.isIdle)
        }
        let last = await queue.next()
        #expect(last?.0 == "a")
        queue.done("a")
        #expect(queue.failures(of: "a") == 0)
        await queue.waitUntilIdle()
        #expect(queue.isIdle)
    }

    @Test func producersWaitForRoomAndShutdownReleasesEveryone() async {
        let queue = WorkQueue<Int>(capacity: 2, backoff: Self.fast)
        await queue.add("a", 1)
        await queue.add("b", 2)
        let producer = Task { await queue.add("c", 3) }
        let consumer = Task { await queue.next() }
        let first = await consumer.value
        #expect(first?.0 == "a")
        await producer.value
        #expect(queue.depth == 2)
        let waiting = Task { () -> Int in
            var count = 0
            while await queue.next() != nil { count += 1 }
            return count
        }
        try? await Task.sleep(for: .milliseconds(20))
        queue.shutDown()
        let drained = await waiting.value
        #expect(drained <= 2)
        #expect(await queue.next() == nil)
    }
}
