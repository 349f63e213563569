import Synchronization

/// The controller's state for `/readyz` and for callers that wait for reports to settle. Thread-safe.
public final class ControllerStatus: Sendable {
    /// Where this replica stands in leader election.
    public enum Leadership: String, Sendable, Hashable {
        /// Not known yet (campaigning, no holder observed).
        case unknown
        /// This replica leads (or leader election is off).
        case leader
        /// Another replica leads.
        case follower
    }

    private struct State {
        var leadership = Leadership.unknown
        var informersSynced = false
        var settled = false
        /// Whether ``ReportsController/run()`` has returned.
        var stopped = false
        var settledWaiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter: UInt64 = 0
        var observers: [@Sendable (ControllerStatus) -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Leadership as last observed.
    public var leadership: Leadership { state.withLock { $0.leadership } }

    /// Whether every informer of the current policies has delivered its first list.
    public var informersSynced: Bool { state.withLock { $0.informersSynced } }

    /// Whether the first full scan has been evaluated and written (stays true afterwards).
    public var hasSettled: Bool { state.withLock { $0.settled } }

    /// Ready: leadership is known, and a leader has synced its informers (a follower is ready as a standby).
    public var isReady: Bool {
        state.withLock { state in
            switch state.leadership {
            case .unknown: false
            case .follower: true
            case .leader: state.informersSynced
            }
        }
    }

    /// A one-line description for `/readyz` bodies and logs.
    public var summary: String {
        state.withLock { "leadership=\($0.leadership.rawValue) informers_synced=\($0.informersSynced)" }
    }

    /// Returns once the first full scan has settled (immediately if it has): `true`; or `false` once the
    /// controller has stopped without settling, or when the task is cancelled.
    @discardableResult
    public func waitUntilSettled() async -> Bool {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now: Bool? = state.withLock { state in
                    if state.settled { return true }
                    // Checked under the lock the cancellation handler takes: one of the two sees the other.
                    if state.stopped || Task.isCancelled { return false }
                    state.settledWaiters[id] = continuation
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            state.withLock { $0.settledWaiters.removeValue(forKey: id) }?.resume(returning: false)
        }
    }

    /// Calls `observer` now and after every change of leadership or informer sync (for `/readyz`).
    /// Observers run on the changing task and must be quick.
    public func observe(_ observer: @escaping @Sendable (ControllerStatus) -> Void) {
        state.withLock { $0.observers.append(observer) }
        observer(self)
    }

    func setLeadership(_ leadership: Leadership) {
        let observers = state.withLock { state in
            state.leadership = leadership
            return state.observers
        }
        for observer in observers { observer(self) }
    }

    func setInformersSynced(_ synced: Bool) {
        let observers = state.withLock { state in
            state.informersSynced = synced
            return state.observers
        }
        for observer in observers { observer(self) }
    }

    func markSettled() {
        endSettledWaits(settled: true) { $0.settled = true }
    }

    /// The controller stopped: those waiting for it to settle stop waiting.
    func markStopped() {
        endSettledWaits(settled: false) { $0.stopped = true }
    }

    private func endSettledWaits(settled: Bool, _ update: (inout State) -> Void) {
        let waiters = state.withLock { state in
            update(&state)
            defer { state.settledWaiters = [:] }
            return Array(state.settledWaiters.values)
        }
        for waiter in waiters { waiter.resume(returning: settled) }
    }
}
