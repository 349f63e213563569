import DequeModule
import KubeClient
import Metrics
import Synchronization

/// A work queue keyed by resource UID, as client-go's rate-limited work queue: a key waiting in the queue
/// is there once (a newer item replaces the waiting one); a key being processed is not handed to a second
/// worker, and is queued again if it changed meanwhile; failed keys come back after a per-key
/// exponential backoff that is capped but never gives up.
///
/// Producers wait while ``capacity`` keys are waiting, so a full scan streams through the queue instead of
/// piling objects up in memory.
public final class WorkQueue<Item: Sendable>: Sendable {
    private struct State {
        var order: Deque<String> = []
        var waiting: [String: Item] = [:]
        var enqueuedAt: [String: ContinuousClock.Instant] = [:]
        var processing: Set<String> = []
        /// Items that arrived for a key while it was being processed.
        var dirty: [String: Item] = [:]
        var failures: [String: Int] = [:]
        var delayed: [String: Task<Void, Never>] = [:]
        var getters: Deque<CheckedContinuation<(String, Item)?, Never>> = []
        var producers: Deque<CheckedContinuation<Void, Never>> = []
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var shuttingDown = false
        var isIdle: Bool { order.isEmpty && processing.isEmpty && delayed.isEmpty && dirty.isEmpty }
    }

    /// How many waiting keys make producers wait.
    public let capacity: Int
    private let backoff: ExponentialBackoff
    private let merge: @Sendable (Item, Item) -> Item
    private let state = Mutex(State())
    private let clock = ContinuousClock()
    private let depthGauge = Gauge(label: "vigil_queue_depth")
    private let addsCounter = Counter(label: "vigil_queue_adds_total")
    private let retriesCounter = Counter(label: "vigil_queue_retries_total")
    private let latencyTimer = Metrics.Timer(label: "vigil_queue_latency_seconds")

    /// - Parameters:
    ///   - capacity: waiting keys beyond which ``add(_:_:)`` waits.
    ///   - backoff: the per-key retry delay (doubling, capped at its maximum).
    ///   - merge: which item to keep when a key that is waiting gets another (`old`, `new`); the newer by
    ///     default.
    public init(
        capacity: Int = 1000, backoff: ExponentialBackoff, merge: @escaping @Sendable (Item, Item) -> Item = { $1 }
    ) {
        precondition(capacity > 0, "a work queue needs room for one key")
        self.capacity = capacity
        self.backoff = backoff
        self.merge = merge
    }

    /// The number of keys waiting.
    public var depth: Int { state.withLock { $0.order.count } }

    /// Adds or replaces the item of a key, waiting first while the queue is full.
    public func add(_ key: String, _ item: Item) async {
        while true {
            let full = state.withLock { $0.order.count >= capacity && !$0.shuttingDown && $0.waiting[key] == nil }
            if !full { break }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.order.count < capacity || state.shuttingDown { return true }
                    state.producers.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        insert(key, item)
    }

    /// Adds or replaces the item of a key without waiting for room (for retries and deletions).
    public func insert(_ key: String, _ item: Item) {
        let getter: (CheckedContinuation<(String, Item)?, Never>, (String, Item))? = state.withLock { state in
            guard !state.shuttingDown else { return nil }
            if state.processing.contains(key) {
                state.dirty[key] = state.dirty[key].map { merge($0, item) } ?? item
                return nil
            }
            if let old = state.waiting[key] {
                state.waiting[key] = merge(old, item)
            } else {
                state.waiting[key] = item
                state.order.append(key)
                state.enqueuedAt[key] = clock.now
                addsCounter.increment()
            }
            return handOut(&state)
        }
        if let (continuation, value) = getter { continuation.resume(returning: value) }
        report()
    }

    /// The next key and item; `nil` once the queue shuts down. The caller must call ``done(_:)`` after.
    public func next() async -> (String, Item)? {
        await withCheckedContinuation { (continuation: CheckedContinuation<(String, Item)?, Never>) in
            let result: (String, Item)?? = state.withLock { state in
                if state.shuttingDown { return .some(nil) }
                guard let key = state.order.popFirst(), let item = state.waiting.removeValue(forKey: key) else {
                    state.getters.append(continuation)
                    return nil
                }
                take(key, &state)
                return .some((key, item))
            }
            if let result { continuation.resume(returning: result) }
            wakeProducers()
            report()
        }
    }

    /// Marks a key processed; a key that changed meanwhile is queued again.
    public func done(_ key: String, succeeded: Bool = true) {
        let dirtyItem: Item? = state.withLock { state in
            state.processing.remove(key)
            if succeeded { state.failures[key] = nil }
            return state.dirty.removeValue(forKey: key)
        }
        if let dirtyItem { insert(key, dirtyItem) }
        resumeIdleWaiters()
    }

    /// Queues a failed key again after its backoff (0 retries so far: the initial delay); never drops it.
    public func retry(_ key: String, _ item: Item) {
        retriesCounter.increment()
        let delay: Duration? = state.withLock { state in
            state.processing.remove(key)
            guard !state.shuttingDown else { return nil }
            let failures = state.failures[key, default: 0]
            state.failures[key] = failures + 1
            if let newer = state.dirty.removeValue(forKey: key) {
                // A newer item is waiting: retry with it at once.
                if state.waiting.updateValue(newer, forKey: key) == nil {
                    state.order.append(key)
                    state.enqueuedAt[key] = clock.now
                }
                return .zero
            }
            var schedule = backoff
            var delay = schedule.next()
            for _ in 0..<min(failures, 32) { delay = schedule.next() }
            state.delayed[key]?.cancel()
            state.delayed[key] = Task { [weak self] in
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return
                }
                self?.fireDelayed(key, item)
            }
            return delay
        }
        if delay == .zero {
            let getter = state.withLock { handOut(&$0) }
            if let (continuation, value) = getter { continuation.resume(returning: value) }
        }
        resumeIdleWaiters()
    }

    /// The number of consecutive failures of a key.
    public func failures(of key: String) -> Int { state.withLock { $0.failures[key, default: 0] } }

    private func fireDelayed(_ key: String, _ item: Item) {
        let stillScheduled = state.withLock { $0.delayed.removeValue(forKey: key) != nil }
        guard stillScheduled else { return }
        let present = state.withLock { $0.waiting[key] != nil || $0.processing.contains(key) }
        // A newer item for the key supersedes the retry.
        if !present { insert(key, item) }
        resumeIdleWaiters()
    }

    /// Stops handing out work: waiting and future ``next()`` calls return `nil`; producers are released;
    /// pending retries are dropped (the process is ending).
    public func shutDown() {
        let (getters, producers, delayed) = state.withLock { state in
            state.shuttingDown = true
            let getters = state.getters
            let producers = state.producers
            let delayed = Array(state.delayed.values)
            state.getters = []
            state.producers = []
            state.delayed = [:]
            state.order = []
            state.waiting = [:]
            state.dirty = [:]
            return (getters, producers, delayed)
        }
        for task in delayed { task.cancel() }
        for getter in getters { getter.resume(returning: nil) }
        for producer in producers { producer.resume() }
        resumeIdleWaiters()
    }

    /// Whether nothing is waiting, in progress or scheduled for retry.
    public var isIdle: Bool { state.withLock { $0.isIdle } }

    /// Returns once the queue is idle (nothing waiting, processing, or scheduled for a retry).
    public func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.isIdle || state.shuttingDown { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func handOut(_ state: inout State) -> (CheckedContinuation<(String, Item)?, Never>, (String, Item))? {
        guard !state.getters.isEmpty, let key = state.order.popFirst(),
            let item = state.waiting.removeValue(forKey: key), let getter = state.getters.popFirst()
        else { return nil }
        take(key, &state)
        return (getter, (key, item))
    }

    private func take(_ key: String, _ state: inout State) {
        state.processing.insert(key)
        if let start = state.enqueuedAt.removeValue(forKey: key) {
            let waited = start.duration(to: clock.now)
            latencyTimer.recordNanoseconds(
                waited.components.seconds * 1_000_000_000 + waited.components.attoseconds / 1_000_000_000)
        }
    }

    private func wakeProducers() {
        let producers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            while state.order.count < capacity, let producer = state.producers.popFirst() { woken.append(producer) }
            return woken
        }
        for producer in producers { producer.resume() }
    }

    private func resumeIdleWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.isIdle || state.shuttingDown else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func report() {
        depthGauge.record(depth)
    }
}
