import Synchronization

/// The outcome of one queued ``RescanRequest`` that a caller waits for, settled exactly once: by the rescan
/// loop when it served the request or abandoned it, by the end of the leadership term for a request still
/// queued then, or by the waiter itself when its task is cancelled. Whoever comes first decides; later
/// calls do nothing, so the waiter's continuation is resumed once on every path.
final class RescanTicket: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<Bool, Never>)
        case finished(Bool)
    }

    private let state = Mutex(State.pending)

    init() {}

    /// Records whether the rescan ran to the end and resumes the waiter; only the first call counts.
    func finish(completed: Bool) {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { state in
            switch state {
            case .finished:
                return nil
            case .pending:
                state = .finished(completed)
                return nil
            case .waiting(let continuation):
                state = .finished(completed)
                return continuation
            }
        }
        waiter?.resume(returning: completed)
    }

    /// Waits for the outcome: `true` when the rescan ran to the end, `false` when it was abandoned or this
    /// task was cancelled. One waiter per ticket.
    func wait() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let outcome: Bool? = state.withLock { state in
                    switch state {
                    case .finished(let completed):
                        return completed
                    case .pending:
                        // Checked under the lock the cancellation handler takes: either it sees the waiter
                        // or the waiter sees the cancellation.
                        if Task.isCancelled {
                            state = .finished(false)
                            return false
                        }
                        state = .waiting(continuation)
                        return nil
                    case .waiting:
                        preconditionFailure("a rescan ticket has one waiter")
                    }
                }
                if let outcome { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            finish(completed: false)
        }
    }
}
