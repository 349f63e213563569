import Synchronization

/// Injected failures for reliability tests: error responses (429 as API Priority and Fairness sends them,
/// 500, 503), added latency. Watch drops, compaction and refused connections are operations of
/// ``LocalAPIServer`` and ``Store``.
public final class FaultInjector: Sendable {
    /// One injected error response.
    public struct Failure: Sendable, Equatable {
        /// 429, 500, 503, or any other status.
        public var status: Int
        /// The `Retry-After` header in seconds; `nil` sends none.
        public var retryAfterSeconds: Int?

        public init(status: Int, retryAfterSeconds: Int? = nil) {
            self.status = status
            self.retryAfterSeconds = retryAfterSeconds
        }

        /// APF's rejection: 429 with `Retry-After: 1`.
        public static let tooManyRequests = Failure(status: 429, retryAfterSeconds: 1)
    }

    struct State {
        var remaining = 0
        var next: Failure?
        var fraction = 0.0
        var fractionFailure: Failure?
        var latency = Duration.zero
        var tokenLatency: [String: Duration] = [:]
        var injectedCount = 0
        var generator = SystemRandomNumberGenerator()
    }

    private let state = Mutex(State())

    public init() {}

    /// Answers the next `count` requests with `failure`.
    public func failNext(_ count: Int, with failure: Failure = .tooManyRequests) {
        state.withLock {
            $0.remaining = count
            $0.next = failure
        }
    }

    /// Answers a fraction (0...1) of requests with `failure`, at random.
    public func failFraction(_ fraction: Double, with failure: Failure = .tooManyRequests) {
        state.withLock {
            $0.fraction = min(max(fraction, 0), 1)
            $0.fractionFailure = failure
        }
    }

    /// Delays every response by `latency`.
    public func setLatency(_ latency: Duration) {
        state.withLock { $0.latency = latency }
    }

    /// Delays the responses to requests carrying bearer token `token` by `latency` (`nil` removes it),
    /// on top of ``setLatency(_:)``: one client stalls while others are served, as a lease holder whose
    /// node is overloaded.
    public func setLatency(_ latency: Duration?, forToken token: String) {
        state.withLock { $0.tokenLatency[token] = latency }
    }

    /// Stops injecting errors and latency.
    public func reset() {
        state.withLock {
            $0.remaining = 0
            $0.next = nil
            $0.fraction = 0
            $0.fractionFailure = nil
            $0.latency = .zero
            $0.tokenLatency = [:]
        }
    }

    /// How many error responses were injected so far.
    public var injectedCount: Int { state.withLock { $0.injectedCount } }

    /// The latency and the failure (if any) for the next request, made with bearer token `token`.
    func decide(token: String = "") -> (latency: Duration, failure: Failure?) {
        state.withLock { state in
            var failure: Failure?
            if state.remaining > 0, let next = state.next {
                state.remaining -= 1
                failure = next
            } else if state.fraction > 0, let fractionFailure = state.fractionFailure,
                Double.random(in: 0..<1, using: &state.generator) < state.fraction
            {
                failure = fractionFailure
            }
            if failure != nil { state.injectedCount += 1 }
            return (state.latency + (state.tokenLatency[token] ?? .zero), failure)
        }
    }
}
