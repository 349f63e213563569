import JSONValue
import Synchronization

extension Store {
    /// Where a watch starts.
    public enum WatchStart: Sendable, Equatable {
        /// From the current state: synthetic `ADDED` events for every matching object first
        /// (`resourceVersion` unset or `"0"`, or `sendInitialEvents=true`).
        case currentState
        /// Only changes after this resourceVersion.
        case after(Int)
    }

    /// A registered watch: what to send first, then the live stream.
    public struct WatchRegistration: Sendable {
        public let id: Int
        public let resource: GroupResource
        /// Signals to send before the stream: synthetic `ADDED` events, history after the start revision,
        /// and the `k8s.io/initial-events-end` bookmark of a `sendInitialEvents` watch.
        public let initial: [WatchSignal]
        public let stream: AsyncStream<WatchSignal>
    }

    /// Registers a watch. Live events are buffered per watcher up to `bufferSize`; a watcher that falls
    /// further behind is closed (its client re-watches from the last resourceVersion it saw).
    /// - Throws: ``StatusError`` 410 `Expired` when `start` is older than the watch cache window.
    public func watch(
        _ info: ResourceInfo, filter: ObjectFilter, start: WatchStart, sendInitialEvents: Bool = false,
        allowBookmarks: Bool = false, bufferSize: Int = 100_000
    ) throws(StatusError) -> WatchRegistration {
        let (stream, continuation) = AsyncStream<WatchSignal>.makeStream(bufferingPolicy: .bufferingOldest(bufferSize))
        return try state.withLock { state throws(StatusError) -> WatchRegistration in
            let resource = info.groupResource
            let capacity = state.capacity
            let table = state.tables[resource, default: ResourceTable(capacity: capacity)]
            var initial: [WatchSignal] = []
            switch start {
            case .currentState:
                for key in table.sortedKeys {
                    guard let object = table.objects[key], filter.matches(object) else { continue }
                    initial.append(.event(.added, object))
                }
            case .after(let revision):
                guard let events = table.cache.events(after: revision) else {
                    throw StatusError.expired(
                        "too old resource version: \(revision) (\(table.cache.compactedRevision + 1))")
                }
                initial = events.compactMap(filter.signal(for:))
            }
            if sendInitialEvents {
                initial.append(.bookmark(resourceVersion: state.revision, initialEventsEnd: true))
            }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.tables[resource, default: ResourceTable(capacity: capacity)].cache.watchers[id] = Watcher(
                id: id, filter: filter, allowBookmarks: allowBookmarks, continuation: continuation)
            return WatchRegistration(id: id, resource: resource, initial: initial, stream: stream)
        }
    }

    /// Ends one watch (its stream finishes after what is buffered).
    public func stopWatch(_ registration: WatchRegistration) {
        let watcher = state.withLock {
            $0.tables[registration.resource]?.cache.watchers.removeValue(forKey: registration.id)
        }
        watcher?.continuation.finish()
    }

    /// Ends every open watch.
    /// - Returns: how many were open.
    @discardableResult
    public func closeAllWatches() -> Int {
        let watchers = state.withLock { state -> [Watcher] in
            var all: [Watcher] = []
            for resource in Array(state.tables.keys) {
                if let watchers = state.tables[resource]?.cache.watchers { all.append(contentsOf: watchers.values) }
                state.tables[resource]?.cache.watchers = [:]
            }
            return all
        }
        for watcher in watchers { watcher.continuation.finish() }
        return watchers.count
    }

    /// How many watches are open.
    public var openWatchCount: Int {
        state.withLock { state in state.tables.values.reduce(0) { $0 + $1.cache.watchers.count } }
    }

    /// Forgets all history up to now, as an etcd compaction: watches and continue tokens from older
    /// resourceVersions get 410 `Expired`.
    public func compact() {
        state.withLock { state in
            let revision = state.revision
            for resource in Array(state.tables.keys) { state.tables[resource]?.cache.compact(upTo: revision) }
        }
    }

    /// Sends a `BOOKMARK` with the current resourceVersion to one watch (if it is still open), as the
    /// watch cache does shortly before a watch's deadline.
    public func sendBookmark(to registration: WatchRegistration) {
        state.withLock { state in
            guard let watcher = state.tables[registration.resource]?.cache.watchers[registration.id] else { return }
            if !watcher.send(.bookmark(resourceVersion: state.revision, initialEventsEnd: false)) {
                state.tables[registration.resource]?.cache.watchers[registration.id] = nil
            }
        }
    }

    /// Sends a `BOOKMARK` with the current resourceVersion to every watch that allows bookmarks.
    public func sendBookmarks() {
        state.withLock { state in
            let revision = state.revision
            for resource in Array(state.tables.keys) {
                guard let watchers = state.tables[resource]?.cache.watchers else { continue }
                for (id, watcher) in watchers where watcher.allowBookmarks {
                    if !watcher.send(.bookmark(resourceVersion: revision, initialEventsEnd: false)) {
                        state.tables[resource]?.cache.watchers[id] = nil
                    }
                }
            }
        }
    }
}
