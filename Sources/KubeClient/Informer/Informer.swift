import JSONValue
import Logging
import Synchronization

/// Lists then watches one resource and reports changes, as client-go's reflector and informer do.
///
/// - The first list pages with `resourceVersion=0&limit=500`; watches resume from the last resource
///   version seen (bookmarks included), with `allowWatchBookmarks` and a random `timeoutSeconds` in
///   [``Configuration/minimumWatchTimeout``, 2×).
/// - A watch that fails with 410 `Expired` (as an `ERROR` event or a response) relists from the last
///   version seen; when that list is itself expired or too new, from a fresh (quorum) read.
/// - Errors back off exponentially (0.8 s doubling to 30 s, with jitter) and never stop the informer; a
///   relist reconciles the view with the server, reporting deletions it missed.
/// - A list or watch the server forbids (403) is retried the same way, so access granted later starts the
///   informer without a restart; ``forbiddenVerbs`` and ``Configuration/accessObserver`` say which verbs are
///   refused now.
/// - In light mode (``Configuration/keepsObjects`` false) only identity and a content hash are kept;
///   full objects go to the handler as they arrive and are dropped.
public final class Informer: Sendable {
    public struct Configuration: Sendable {
        public var resource: GroupVersionResource
        /// `nil` watches all namespaces.
        public var namespace: String?
        public var labelSelector: String?
        public var fieldSelector: String?
        public var pageSize: Int
        /// Keep whole objects (true) or only identity and content hash (false, the light mode).
        public var keepsObjects: Bool
        /// What the content hash covers: which updates are content changes.
        public var contentHashing: ContentHashing
        /// The lower bound of the random watch timeout (client-go: 5 minutes).
        public var minimumWatchTimeout: Duration
        public var backoff: ExponentialBackoff
        /// Called with the verbs (`list`, `watch`) the server forbids whenever that set changes: a 403 adds
        /// the verb, a successful list or an established watch removes it. Called on the informer's task;
        /// must be quick.
        public var accessObserver: (@Sendable (_ forbiddenVerbs: Set<String>) -> Void)?

        public init(
            resource: GroupVersionResource,
            namespace: String? = nil,
            labelSelector: String? = nil,
            fieldSelector: String? = nil,
            pageSize: Int = 500,
            keepsObjects: Bool = false,
            contentHashing: ContentHashing = .object,
            minimumWatchTimeout: Duration = .seconds(300),
            backoff: ExponentialBackoff = .reflector,
            accessObserver: (@Sendable (_ forbiddenVerbs: Set<String>) -> Void)? = nil
        ) {
            self.resource = resource
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.contentHashing = contentHashing
            self.fieldSelector = fieldSelector
            self.pageSize = pageSize
            self.keepsObjects = keepsObjects
            self.minimumWatchTimeout = minimumWatchTimeout
            self.backoff = backoff
            self.accessObserver = accessObserver
        }
    }

    /// Counters for metrics and tests.
    public struct Statistics: Sendable, Hashable {
        public var lists = 0
        public var watches = 0
        public var expiredRelists = 0
        public var errors = 0
        /// Lists and watches answered with 403 Forbidden (also counted in ``errors``).
        public var forbidden = 0
    }

    private struct State {
        var store: InformerStore
        var synced = false
        /// Tasks waiting for the first list (``waitUntilSynced(orListForbidden:)``), by id; `orForbidden`
        /// ones also end when listing is forbidden.
        var syncWaiters: [UInt64: (orForbidden: Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter: UInt64 = 0
        /// ``run(_:)`` has ended (and not started again): nothing will sync.
        var stopped = false
        var resourceVersion = ""
        var statistics = Statistics()
        var forbiddenVerbs: Set<String> = []
    }

    public let configuration: Configuration
    private let client: KubeClient
    private let state: Mutex<State>

    public init(client: KubeClient, configuration: Configuration) {
        self.client = client
        self.configuration = configuration
        state = Mutex(
            State(store: InformerStore(keepsObjects: configuration.keepsObjects, hashing: configuration.contentHashing))
        )
    }

    /// Whether the first list has been delivered to the handler.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The last resource version seen.
    public var resourceVersion: String { state.withLock { $0.resourceVersion } }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// The verbs (`list`, `watch`) the server answered with 403 Forbidden at the last attempt.
    public var forbiddenVerbs: Set<String> { state.withLock { $0.forbiddenVerbs } }

    /// A copy of the current view.
    public var store: InformerStore { state.withLock { $0.store } }

    /// What the informer knows of one object now (by ``ObjectIdentity/key``), without copying the store.
    public func entry(forKey key: String) -> InformerStore.Entry? { state.withLock { $0.store.entries[key] } }

    /// Returns once the first list has been delivered (immediately if it has), or, with
    /// `orListForbidden`, once the server forbids listing (a kind that must not hold readiness back); also
    /// when the waiting task is cancelled or ``run(_:)`` ends.
    public func waitUntilSynced(orListForbidden: Bool = false) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    // Checked under the lock the cancellation handler takes: one of them resumes the waiter.
                    if state.synced || state.stopped || Task.isCancelled { return true }
                    if orListForbidden && state.forbiddenVerbs.contains("list") { return true }
                    state.syncWaiters[id] = (orListForbidden, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.syncWaiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Whether the first list has been delivered or listing is forbidden: nothing more to wait for.
    public var hasSyncedOrListForbidden: Bool {
        state.withLock { $0.synced || $0.forbiddenVerbs.contains("list") }
    }

    /// Runs until the task is cancelled, calling `handler` for every change in order. The handler's time
    /// is back-pressure: the informer reads no further while it runs.
    ///
    /// - Throws: `CancellationError` when cancelled; nothing else (errors are retried with back-off).
    public func run(_ handler: @Sendable (InformerEvent) async -> Void) async throws {
        // A stopped informer never syncs: whoever waits for it is released (and finds it not synced).
        state.withLock { $0.stopped = false }
        defer {
            let waiters = state.withLock { state in
                state.stopped = true
                defer { state.syncWaiters = [:] }
                return state.syncWaiters.values.map(\.continuation)
            }
            for waiter in waiters { waiter.resume() }
        }
        var backoff = configuration.backoff
        var listFrom: String? = "0"
        var needsList = true
        while true {
            try Task.checkCancellation()
            if needsList {
                do {
                    try await relist(from: listFrom, handler)
                    needsList = false
                    // While the watch is forbidden every watch fails at once and relists: keep backing off.
                    if !forbiddenVerbs.contains("watch") { backoff.reset() }
                } catch let error as KubeAPIError where listFrom != nil && listFrom != "0" && error.isTooOldOrTooNew {
                    // The version we resumed from is gone (or ahead of this server): read fresh.
                    listFrom = nil
                    continue
                } catch {
                    try Self.rethrowCancellation(error)
                    count(\.errors)
                    if Self.isForbidden(error) { setAccess("list", forbidden: true) }
                    try await Task.sleep(for: backoff.next())
                    continue
                }
            }
            do {
                let outcome = try await watchOnce(handler)
                switch outcome {
                case .expired:
                    count(\.expiredRelists)
                    logRelist(from: resourceVersion)
                    needsList = true
                    listFrom = resourceVersion.isEmpty ? nil : resourceVersion
                case .ended(let events, let duration):
                    if events > 0 || duration >= .seconds(1) {
                        backoff.reset()
                    } else {
                        // A "very short watch": closed at once with nothing in it.
                        count(\.errors)
                        try await Task.sleep(for: backoff.next())
                    }
                }
            } catch let error as KubeAPIError where error.isExpired {
                count(\.expiredRelists)
                logRelist(from: resourceVersion)
                needsList = true
                listFrom = resourceVersion.isEmpty ? nil : resourceVersion
            } catch {
                try Self.rethrowCancellation(error)
                count(\.errors)
                if Self.isForbidden(error) { setAccess("watch", forbidden: true) }
                // 429 and connection failures retry the watch; other errors relist (as the reflector).
                if !Self.isWatchRetriable(error) {
                    needsList = true
                    listFrom = resourceVersion.isEmpty ? nil : resourceVersion
                }
                try await Task.sleep(for: backoff.next())
            }
        }
    }

    private enum WatchOutcome {
        case expired
        case ended(events: Int, duration: Duration)
    }

    private func relist(from version: String?, _ handler: @Sendable (InformerEvent) async -> Void) async throws {
        count(\.lists)
        var relist = InformerStore.Relist()
        let options = ListOptions(
            labelSelector: configuration.labelSelector,
            fieldSelector: configuration.fieldSelector,
            resourceVersion: version
        )
        let listVersion = try await client.listPages(
            configuration.resource,
            namespace: configuration.namespace,
            pageSize: configuration.pageSize,
            options: options
        ) { page, restarted in
            if restarted { relist = InformerStore.Relist() }
            for item in page.items {
                let event = state.withLock { $0.store.relisted(item, into: &relist) }
                if let event { await handler(event) }
            }
        }
        let (deletions, total) = state.withLock { state in
            let deletions = state.store.finishRelist(relist)
            state.resourceVersion = listVersion
            return (deletions, state.store.count)
        }
        for event in deletions { await handler(event) }
        await handler(.resynced(resourceVersion: listVersion, count: total))
        // The list is permitted again before anyone waiting for the sync sees it; and the waiters are taken in
        // the same critical section that marks the informer synced, so one that registers meanwhile is not
        // left waiting for the next relist.
        setAccess("list", forbidden: false)
        let waiters = state.withLock { state in
            state.synced = true
            let waiters = state.syncWaiters
            state.syncWaiters = [:]
            return waiters
        }
        for waiter in waiters.values { waiter.continuation.resume() }
    }

    private func watchOnce(_ handler: @Sendable (InformerEvent) async -> Void) async throws -> WatchOutcome {
        count(\.watches)
        let minimum = configuration.minimumWatchTimeout.components.seconds
        let timeout = Int.random(in: Int(max(1, minimum))..<Int(max(2, 2 * minimum)))
        let options = WatchOptions(
            labelSelector: configuration.labelSelector,
            fieldSelector: configuration.fieldSelector,
            resourceVersion: resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: timeout
        )
        let clock = ContinuousClock()
        let start = clock.now
        let stream = try await client.watch(
            configuration.resource, namespace: configuration.namespace, options: options)
        setAccess("watch", forbidden: false)
        var events = 0
        do {
            for try await event in stream {
                events += 1
                if let outcome = try await apply(event, handler) { return outcome }
            }
        } catch let error as KubeAPIError {
            throw error
        } catch {
            // The connection broke mid-stream: resume the watch from the last version (no relist), as the
            // reflector does; a break before any event counts as a very short watch.
            try Self.rethrowCancellation(error)
            if events == 0 { throw error }
        }
        return .ended(events: events, duration: start.duration(to: clock.now))
    }

    /// Applies one watch event; returns an outcome when the watch must end.
    private func apply(_ event: WatchEvent, _ handler: @Sendable (InformerEvent) async -> Void) async throws
        -> WatchOutcome?
    {
        let report: InformerEvent? = state.withLock { state in
            var tracker = ResourceVersionTracker(resourceVersion: state.resourceVersion)
            tracker.observe(event)
            state.resourceVersion = tracker.resourceVersion
            switch event {
            case .added(let object), .modified(let object): return state.store.upsert(object)
            case .deleted(let object): return state.store.remove(object)
            case .bookmark, .error: return nil
            }
        }
        if case .error(let error) = event {
            if error.isExpired { return .expired }
            throw error
        }
        if let report { await handler(report) }
        return nil
    }

    /// The watch's resource version is gone (410 Expired): the informer lists again.
    private func logRelist(from version: String) {
        client.logger.info(
            "watch expired; relisting",
            metadata: ["k8s.resource": "\(configuration.resource.metricLabel)", "k8s.resourceVersion": "\(version)"])
    }

    /// Records whether `verb` is forbidden now and tells the observer when the set changed.
    private func setAccess(_ verb: String, forbidden: Bool) {
        let (changed, released) = state.withLock { state in
            if forbidden { state.statistics.forbidden += 1 }
            let before = state.forbiddenVerbs
            if forbidden { state.forbiddenVerbs.insert(verb) } else { state.forbiddenVerbs.remove(verb) }
            // A forbidden list ends the waits that accept it.
            var released: [CheckedContinuation<Void, Never>] = []
            if forbidden && verb == "list" {
                for (id, waiter) in state.syncWaiters where waiter.orForbidden {
                    state.syncWaiters[id] = nil
                    released.append(waiter.continuation)
                }
            }
            return (state.forbiddenVerbs == before ? nil : state.forbiddenVerbs, released)
        }
        for waiter in released { waiter.resume() }
        if let changed { configuration.accessObserver?(changed) }
    }

    private static func isForbidden(_ error: any Error) -> Bool {
        (error as? KubeAPIError)?.reason == .forbidden || (error as? KubeAPIError)?.code == 403
    }

    private func count(_ field: WritableKeyPath<Statistics, Int>) {
        state.withLock { $0.statistics[keyPath: field] += 1 }
    }

    private static func rethrowCancellation(_ error: any Error) throws {
        if error is CancellationError || Task.isCancelled { throw CancellationError() }
    }

    private static func isWatchRetriable(_ error: any Error) -> Bool {
        if let error = error as? KubeTransportError { return error.isRetriable }
        if let error = error as? KubeAPIError { return error.reason == .tooManyRequests || error.code >= 500 }
        return false
    }
}

extension KubeAPIError {
    /// 410 Expired/Gone, or the 504 "Too large resource version" a lagging server answers.
    var isTooOldOrTooNew: Bool {
        isExpired || details?.causes.contains { $0.type == "ResourceVersionTooLarge" } == true
    }
}
