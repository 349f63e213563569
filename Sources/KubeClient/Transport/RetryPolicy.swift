import JSONValue

/// When to retry a request and how long to wait first.
///
/// As client-go (`rest/with_retry.go`), a response with status 429 or ≥ 500 that carries `Retry-After`
/// is retried after that many seconds, up to ``maximumRetries`` times. Beyond client-go, and only for
/// requests that are safe to repeat (reads, and writes whose repetition the server rejects cleanly), a
/// 429/502/503/504 without `Retry-After` and a failed connection are retried with capped exponential
/// back-off with jitter.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (client-go: 10).
    public var maximumRetries: Int
    /// The back-off used when the server gives no `Retry-After`.
    public var backoff: ExponentialBackoff
    /// The longest `Retry-After` honoured; longer requests are clamped to it.
    public var maximumRetryAfter: Duration

    /// client-go's limit of 10 retries, back-off 0.5 s doubling to 10 s.
    public static let `default` = RetryPolicy(
        maximumRetries: 10,
        backoff: ExponentialBackoff(initial: .milliseconds(500), maximum: .seconds(10)),
        maximumRetryAfter: .seconds(60)
    )

    /// Never retries.
    public static let none = RetryPolicy(
        maximumRetries: 0,
        backoff: ExponentialBackoff(initial: .milliseconds(1), maximum: .milliseconds(1)),
        maximumRetryAfter: .zero
    )

    public init(maximumRetries: Int, backoff: ExponentialBackoff, maximumRetryAfter: Duration) {
        precondition(maximumRetries >= 0, "maximumRetries must not be negative")
        self.maximumRetries = maximumRetries
        self.backoff = backoff
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// What an attempt ended with.
    public enum Outcome: Sendable, Hashable {
        /// An HTTP response with this status and, when present, the `Retry-After` seconds.
        case response(status: Int, retryAfterSeconds: Int?)
        /// The connection failed before a response arrived (refused, reset, timed out).
        case connectionFailure
    }

    /// The delay before the next attempt, or `nil` to give up and report the outcome.
    ///
    /// - Parameters:
    ///   - outcome: how the attempt ended.
    ///   - retriesSoFar: retries already made (0 after the first attempt).
    ///   - idempotent: whether repeating the request is safe (GET, LIST, PUT with a resourceVersion,
    ///     DELETE, server-side apply).
    ///   - backoff: the back-off state of this request, advanced when used.
    public func delay(
        after outcome: Outcome,
        retriesSoFar: Int,
        idempotent: Bool,
        backoff: inout ExponentialBackoff
    ) -> Duration? {
        guard retriesSoFar < maximumRetries else { return nil }
        switch outcome {
        case .response(let status, let retryAfter):
            guard status == 429 || status >= 500 else { return nil }
            if let retryAfter {
                return min(.seconds(max(0, retryAfter)), maximumRetryAfter)
            }
            guard idempotent, status == 429 || status == 502 || status == 503 || status == 504 else { return nil }
            return backoff.next()
        case .connectionFailure:
            return idempotent ? backoff.next() : nil
        }
    }
}
