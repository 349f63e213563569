import DequeModule

/// The objects of one group/resource, their order, the bounded window of recent events, and the watchers.
struct ResourceTable: Sendable {
    var objects: [String: StoredObject] = [:]
    /// Every key of `objects`, sorted (the order lists are served in, as etcd orders keys).
    var sortedKeys: [String] = []
    var cache: WatchCache

    init(capacity: Int) {
        cache = WatchCache(capacity: capacity)
    }

    mutating func insertKey(_ key: String) {
        if let last = sortedKeys.last, last < key {
            sortedKeys.append(key)
            return
        }
        let index = lowerBound(key)
        if index < sortedKeys.count, sortedKeys[index] == key { return }
        sortedKeys.insert(key, at: index)
    }

    mutating func removeKey(_ key: String) {
        let index = lowerBound(key)
        if index < sortedKeys.count, sortedKeys[index] == key { sortedKeys.remove(at: index) }
    }

    /// The index of the first key not less than `key`.
    func lowerBound(_ key: String) -> Int {
        var low = 0
        var high = sortedKeys.count
        while low < high {
            let middle = (low + high) / 2
            if sortedKeys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The window of recent events of one resource (kube-apiserver's watch cache) and its watchers.
///
/// It holds every event with a resourceVersion above `compactedRevision`; a watch or a continue token
/// from an older resourceVersion gets 410 `Expired`.
struct WatchCache: Sendable {
    var events: Deque<WatchEvent> = []
    let capacity: Int
    /// Every event of this resource newer than this revision is still in `events`.
    var compactedRevision = 0
    var watchers: [Int: Watcher] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    mutating func append(_ event: WatchEvent) {
        events.append(event)
        while events.count > capacity, let dropped = events.popFirst() {
            compactedRevision = dropped.resourceVersion
        }
        var finished: [Int] = []
        for (id, watcher) in watchers where !watcher.deliver(event) { finished.append(id) }
        for id in finished { watchers[id] = nil }
    }

    /// Forgets every event up to `revision`, as an etcd compaction does.
    mutating func compact(upTo revision: Int) {
        while let first = events.first, first.resourceVersion <= revision { events.removeFirst() }
        compactedRevision = max(compactedRevision, revision)
    }

    /// The events newer than `revision`, or `nil` when some of them were compacted away.
    func events(after revision: Int) -> [WatchEvent]? {
        guard revision >= compactedRevision else { return nil }
        var result: [WatchEvent] = []
        var index = events.count
        while index > 0, events[index - 1].resourceVersion > revision { index -= 1 }
        result.append(contentsOf: events[index...])
        return result
    }

    /// The state at `revision` of every key changed after it: `nil` for keys that did not exist then.
    /// Returns `nil` when the window no longer reaches back to `revision`.
    func statesBefore(revision: Int) -> [String: StoredObject?]? {
        guard let newer = events(after: revision) else { return nil }
        var states: [String: StoredObject?] = [:]
        for event in newer where states[event.object.key] == nil {
            states[event.object.key] = .some(event.previous)
        }
        return states
    }
}
