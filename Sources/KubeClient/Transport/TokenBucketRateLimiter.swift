import JSONValue
import Synchronization

/// A client-side token bucket, as client-go's `flowcontrol.NewTokenBucketRateLimiter`: up to ``burst``
/// requests at once, refilled at ``qps`` tokens per second.
///
/// ``acquire()`` reserves a token and sleeps until it is due; waiters are served in order of arrival.
/// Cancelling a waiting task gives its reservation back and throws `CancellationError`.
public final class TokenBucketRateLimiter: Sendable {
    /// Tokens added per second.
    public let qps: Double
    /// The bucket size: how many requests may go at once after a quiet period.
    public let burst: Int

    private struct State {
        /// Tokens available at `last`; negative when waiters have reserved future tokens.
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let clock = ContinuousClock()
    private let state: Mutex<State>

    /// - Parameters:
    ///   - qps: tokens per second, greater than zero.
    ///   - burst: bucket size, at least 1.
    public init(qps: Double, burst: Int) {
        precondition(qps > 0 && qps.isFinite, "qps must be a positive number")
        precondition(burst >= 1, "burst must be at least 1")
        self.qps = qps
        self.burst = burst
        state = Mutex(State(tokens: Double(burst), last: ContinuousClock().now))
    }

    /// Waits for a token.
    /// - Throws: `CancellationError` when the task is cancelled while waiting (the token is given back).
    public func acquire() async throws {
        try Task.checkCancellation()
        let wait = reserve()
        guard wait > .zero else { return }
        do {
            try await Task.sleep(for: wait, clock: clock)
        } catch {
            giveBack()
            throw error
        }
    }

    /// Takes a token if one is available now, without waiting.
    public func tryAcquire() -> Bool {
        state.withLock { state in
            refill(&state)
            guard state.tokens >= 1 else { return false }
            state.tokens -= 1
            return true
        }
    }

    /// How long a request arriving now would wait (zero when a token is available).
    public var currentDelay: Duration {
        state.withLock { state in
            refill(&state)
            return state.tokens >= 1 ? .zero : delay(forDeficit: 1 - state.tokens)
        }
    }

    private func reserve() -> Duration {
        state.withLock { state in
            refill(&state)
            state.tokens -= 1
            return state.tokens >= 0 ? .zero : delay(forDeficit: -state.tokens)
        }
    }

    private func giveBack() {
        state.withLock { state in
            refill(&state)
            state.tokens = min(Double(burst), state.tokens + 1)
        }
    }

    private func refill(_ state: inout State) {
        let now = clock.now
        let elapsed = state.last.duration(to: now)
        state.last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        state.tokens = min(Double(burst), state.tokens + seconds * qps)
    }

    private func delay(forDeficit tokens: Double) -> Duration {
        .nanoseconds(Int64((tokens / qps * 1e9).rounded(.up)))
    }
}
