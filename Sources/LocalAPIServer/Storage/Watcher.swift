/// What a watch stream receives from the store, in order.
public enum WatchSignal: Sendable {
    /// A change that matches the watch's filters (its type already adjusted for objects entering or
    /// leaving a selector: they arrive as `ADDED` / `DELETED`).
    case event(WatchEvent.EventType, StoredObject)
    /// The watch has seen every change up to this resourceVersion. `initialEventsEnd` marks the end of the
    /// synthetic `ADDED` events of a `sendInitialEvents` watch.
    case bookmark(resourceVersion: Int, initialEventsEnd: Bool)
}

/// The filters of one watch or list.
public struct ObjectFilter: Sendable {
    /// Restrict to one namespace; `nil` for all namespaces (or cluster-scoped kinds).
    public var namespace: String?
    public var labels: LabelSelector
    public var fields: FieldSelector

    public init(namespace: String? = nil, labels: LabelSelector = .everything, fields: FieldSelector = .everything) {
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
    }

    /// Whether the filter selects every object of its namespace (no selectors).
    var hasSelectors: Bool { !labels.isEmpty || !fields.isEmpty }

    func matches(_ object: StoredObject) -> Bool {
        if let namespace, object.namespace != namespace { return false }
        if !labels.isEmpty, !labels.matches(object.labels) { return false }
        if !fields.isEmpty, !fields.matches(name: object.name, namespace: object.namespace, object: { object.document })
        {
            return false
        }
        return true
    }
}

/// A registered watch: its filters and the stream continuation the store yields into (under its lock).
struct Watcher: Sendable {
    let id: Int
    let filter: ObjectFilter
    let allowBookmarks: Bool
    let continuation: AsyncStream<WatchSignal>.Continuation

    /// Yields a signal; a watcher whose buffer is full is finished (the client re-watches from its last
    /// resourceVersion, as kube-apiserver does with unresponsive watchers). Returns false when finished.
    func send(_ signal: WatchSignal) -> Bool {
        switch continuation.yield(signal) {
        case .enqueued: return true
        case .dropped, .terminated:
            continuation.finish()
            return false
        @unknown default:
            continuation.finish()
            return false
        }
    }

    /// Sends an event if it passes the filters (see ``ObjectFilter/signal(for:)``). Returns false when the
    /// watcher was finished.
    func deliver(_ event: WatchEvent) -> Bool {
        guard let signal = filter.signal(for: event) else { return true }
        return send(signal)
    }
}

extension ObjectFilter {
    /// The signal a watch with this filter gets for an event, its type adjusted for selectors: an object that
    /// starts matching arrives as `ADDED`, one that stops matching as `DELETED`; `nil` when it is not seen.
    func signal(for event: WatchEvent) -> WatchSignal? {
        let matchesNow = matches(event.object)
        switch event.type {
        case .added, .deleted:
            return matchesNow ? .event(event.type, event.object) : nil
        case .modified:
            let matchedBefore = event.previous.map(matches) ?? false
            switch (matchedBefore, matchesNow) {
            case (true, true): return .event(.modified, event.object)
            case (false, true): return .event(.added, event.object)
            case (true, false):
                // As kube-apiserver: the last state that matched, at the change's resourceVersion.
                guard let previous = event.previous else { return .event(.deleted, event.object) }
                return .event(.deleted, previous.withResourceVersion(event.resourceVersion))
            case (false, false): return nil
            }
        }
    }
}
