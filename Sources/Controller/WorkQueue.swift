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
///
/// A caller that needs a batch of work done takes a ``Checkpoint`` after queueing it and waits for that
/// checkpoint: for every key queued or in progress at that moment to be processed (or parked in backoff),
/// not for the queue to be idle, which one key failing forever or a steady stream of changes can prevent.
///
/// Every wait (``next()``, a producer in ``add(_:_:)``, ``waitUntilIdle()``, ``wait(for:)``) ends when the
/// queue shuts down; all but ``next()`` (workers stop through the shutdown) also end when their task is
/// cancelled.
public final class WorkQueue<Item: Sendable>: Sendable {
    /// A snapshot of the keys queued or in progress when it was taken (``checkpoint()``).
    public struct Checkpoint: Sendable, Hashable {
        fileprivate let id: UInt64
    }

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
        var producers: Deque<(id: UInt64, continuation: CheckedContinuation<Void, Never>)> = []
        var idleWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// The checkpoints waiting for the queued (waiting or dirty) item of a key.
        var queuedCheckpoints: [String: Set<UInt64>] = [:]
        /// The checkpoints waiting for the item of a key in progress.
        var processingCheckpoints: [String: Set<UInt64>] = [:]
        /// Items each open checkpoint still waits for; a checkpoint not in here is complete.
        var openCheckpoints: [UInt64: Int] = [:]
        var checkpointWaiters: [UInt64: (checkpoint: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextID: UInt64 = 0
        var shuttingDown = false

        mutating func makeID() -> UInt64 {
            defer { nextID += 1 }
            return nextID
        }

        /// Counts one item of each of `checkpoints` as processed; returns the waiters of those now complete.
        mutating func settle(_ checkpoints: Set<UInt64>?) -> [CheckedContinuation<Void, Never>] {
            var completed: [CheckedContinuation<Void, Never>] = []
            for checkpoint in checkpoints ?? [] {
                guard let open = openCheckpoints[checkpoint] else { continue }
                if open > 1 {
                    openCheckpoints[checkpoint] = open - 1
                    continue
                }
                openCheckpoints[checkpoint] = nil
                for (id, waiter) in checkpointWaiters where waiter.checkpoint == checkpoint {
                    checkpointWaiters[id] = nil
                    completed.append(waiter.continuation)
                }
            }
            return completed
        }
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

    /// Adds or replaces the item of a key, waiting first while the queue is full. A producer cancelled
    /// while it waits returns without adding.
    public func add(_ key: String, _ item: Item) async {
        while true {
            let full = state.withLock { $0.order.count >= capacity && !$0.shuttingDown && $0.waiting[key] == nil }
            if !full { break }
            if Task.isCancelled { return }
            let id = state.withLock { $0.makeID() }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        if state.order.count < capacity || state.shuttingDown || Task.isCancelled { return true }
                        state.producers.append((id, continuation))
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let producer = state.withLock { state in
                    state.producers.firstIndex { $0.id == id }.map { state.producers.remove(at: $0).continuation }
                }
                producer?.resume()
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
        let (dirtyItem, completed) = state.withLock { state in
            state.processing.remove(key)
            if succeeded { state.failures[key] = nil }
            return (
                state.dirty.removeValue(forKey: key), state.settle(state.processingCheckpoints.removeValue(forKey: key))
            )
        }
        if let dirtyItem { insert(key, dirtyItem) }
        for waiter in completed { waiter.resume() }
        resumeIdleWaiters()
    }

    /// Queues a failed key again after its backoff (0 retries so far: the initial delay); never drops it.
    /// For the checkpoints that wait for it, a key parked in backoff counts as processed.
    public func retry(_ key: String, _ item: Item) {
        retriesCounter.increment()
        var completed: [CheckedContinuation<Void, Never>] = []
        let delay: Duration? = state.withLock { state in
            state.processing.remove(key)
            completed = state.settle(state.processingCheckpoints.removeValue(forKey: key))
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
        for waiter in completed { waiter.resume() }
        resumeIdleWaiters()
    }

    /// Whether an item of `key` is waiting, in progress, queued behind the one in progress, or parked in
    /// backoff.
    public func holds(_ key: String) -> Bool {
        state.withLock {
            $0.waiting[key] != nil || $0.processing.contains(key) || $0.dirty[key] != nil || $0.delayed[key] != nil
        }
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

    /// Stops handing out work: waiting and future ``next()`` calls return `nil`; producers and every
    /// waiter are released; pending retries are dropped (the process is ending). Keys in progress may still
    /// be marked ``done(_:succeeded:)`` or retried.
    public func shutDown() {
        let (getters, producers, waiters, delayed) = state.withLock { state in
            state.shuttingDown = true
            let getters = state.getters
            let producers = state.producers.map(\.continuation)
            let waiters = Array(state.idleWaiters.values) + state.checkpointWaiters.values.map(\.continuation)
            let delayed = Array(state.delayed.values)
            state.getters = []
            state.producers = []
            state.idleWaiters = [:]
            state.checkpointWaiters = [:]
            state.openCheckpoints = [:]
            state.queuedCheckpoints = [:]
            state.processingCheckpoints = [:]
            state.delayed = [:]
            state.order = []
            state.waiting = [:]
            state.dirty = [:]
            return (getters, producers, waiters, delayed)
        }
        for task in delayed { task.cancel() }
        for getter in getters { getter.resume(returning: nil) }
        for producer in producers { producer.resume() }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether nothing is waiting, in progress or scheduled for retry.
    public var isIdle: Bool { state.withLock { $0.isIdle } }

    /// Returns once the queue is idle (nothing waiting, processing, or scheduled for a retry), shuts down,
    /// or the task is cancelled. A key that fails forever keeps the queue from ever being idle: to wait
    /// for a batch of work, use ``checkpoint()`` and ``wait(for:)``.
    public func waitUntilIdle() async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    if state.isIdle || state.shuttingDown || Task.isCancelled { return true }
                    state.idleWaiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.idleWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Marks every key queued or in progress now; ``wait(for:)`` returns once each has been processed
    /// (``done(_:succeeded:)``) or parked in backoff (``retry(_:_:)``). A key in progress that also has a
    /// newer item queued needs both. Keys already in backoff and keys queued later are not waited for.
    public func checkpoint() -> Checkpoint {
        state.withLock { state in
            let id = state.makeID()
            guard !state.shuttingDown else { return Checkpoint(id: id) }
            var open = 0
            for key in state.waiting.keys {
                state.queuedCheckpoints[key, default: []].insert(id)
                open += 1
            }
            for key in state.dirty.keys {
                state.queuedCheckpoints[key, default: []].insert(id)
                open += 1
            }
            for key in state.processing {
                state.processingCheckpoints[key, default: []].insert(id)
                open += 1
            }
            if open > 0 { state.openCheckpoints[id] = open }
            return Checkpoint(id: id)
        }
    }

    /// Returns once every key marked by `checkpoint` has been processed or parked in backoff, the queue
    /// shuts down, or the task is cancelled.
    public func wait(for checkpoint: Checkpoint) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    if state.openCheckpoints[checkpoint.id] == nil || state.shuttingDown || Task.isCancelled {
                        return true
                    }
                    state.checkpointWaiters[id] = (checkpoint.id, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.checkpointWaiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Whether every key marked by `checkpoint` has been processed or parked in backoff.
    public func isComplete(_ checkpoint: Checkpoint) -> Bool {
        state.withLock { $0.openCheckpoints[checkpoint.id] == nil }
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
        if let checkpoints = state.queuedCheckpoints.removeValue(forKey: key) {
            state.processingCheckpoints[key] = checkpoints
        }
        if let start = state.enqueuedAt.removeValue(forKey: key) {
            let waited = start.duration(to: clock.now)
            latencyTimer.recordNanoseconds(
                waited.components.seconds * 1_000_000_000 + waited.components.attoseconds / 1_000_000_000)
        }
    }

    private func wakeProducers() {
        let producers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            while state.order.count < capacity, let producer = state.producers.popFirst() {
                woken.append(producer.continuation)
            }
            return woken
        }
        for producer in producers { producer.resume() }
    }

    private func resumeIdleWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.isIdle || state.shuttingDown else { return [] }
            defer { state.idleWaiters = [:] }
            return Array(state.idleWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    private func report() {
        depthGauge.record(depth)
    }
}
