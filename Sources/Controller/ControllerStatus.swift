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
        var settledWaiters: [CheckedContinuation<Void, Never>] = []
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

    /// Returns once the first full scan has settled (immediately if it has).
    public func waitUntilSettled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.settled { return true }
                state.settledWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
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
        let waiters = state.withLock { state in
            state.settled = true
            defer { state.settledWaiters = [] }
            return state.settledWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
