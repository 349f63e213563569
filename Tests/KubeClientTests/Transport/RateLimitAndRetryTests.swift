import Testing

@testable import KubeClient

struct RateLimitAndRetryTests {
    @Test func burstThenWait() async throws {
        let limiter = TokenBucketRateLimiter(qps: 1, burst: 3)
        for _ in 0..<3 { #expect(limiter.tryAcquire()) }
        #expect(!limiter.tryAcquire())
        let delay = limiter.currentDelay
        #expect(delay > .milliseconds(500) && delay <= .seconds(1))
    }

    @Test func acquireWaitsForRefill() async throws {
        let limiter = TokenBucketRateLimiter(qps: 200, burst: 1)
        try await limiter.acquire()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<4 { try await limiter.acquire() }
        // Four more tokens at 200/s cannot come sooner than 20 ms (a lower bound, not a timing assertion).
        #expect(start.duration(to: clock.now) >= .milliseconds(15))
    }

    @Test func cancelledWaiterReturnsItsToken() async throws {
        // One token per 100 s: the waiter cannot be served before it is cancelled, however slow the machine.
        let limiter = TokenBucketRateLimiter(qps: 0.01, burst: 1)
        #expect(limiter.tryAcquire())
        let waiter = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // The cancelled reservation was given back: the next wait is at most one token's worth.
        #expect(limiter.currentDelay <= .seconds(100))
    }

    @Test func backoffDoublesToCapWithJitter() {
        var backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(8), jitter: 0)
        #expect(
            (0..<6).map { _ in backoff.next() } == [
                .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8),
            ])
        backoff.reset()
        #expect(backoff.next() == .seconds(1))
        var jittered = ExponentialBackoff.reflector
        for expectedBase in [0.8, 1.6, 3.2] {
            let delay = jittered.next()
            #expect(delay >= .seconds(expectedBase) && delay < .seconds(expectedBase * 2))
        }
    }

    @Test func retryPolicyFollowsClientGo() {
        let policy = RetryPolicy.default
        var backoff = policy.backoff
        // 429/5xx with Retry-After: wait what the server asked.
        #expect(
            policy.delay(
                after: .response(status: 429, retryAfterSeconds: 3), retriesSoFar: 0, idempotent: false,
                backoff: &backoff) == .seconds(3))
        #expect(
            policy.delay(
                after: .response(status: 500, retryAfterSeconds: 1), retriesSoFar: 9, idempotent: false,
                backoff: &backoff) == .seconds(1))
        // At most 10 retries.
        #expect(
            policy.delay(
                after: .response(status: 500, retryAfterSeconds: 1), retriesSoFar: 10, idempotent: true,
                backoff: &backoff) == nil)
        // Client errors are never retried.
        #expect(
            policy.delay(
                after: .response(status: 409, retryAfterSeconds: 1), retriesSoFar: 0, idempotent: true,
                backoff: &backoff) == nil)
        // Without Retry-After: back-off for safe requests only.
        #expect(
            policy.delay(
                after: .response(status: 503, retryAfterSeconds: nil), retriesSoFar: 0, idempotent: true,
                backoff: &backoff) != nil)
        #expect(
            policy.delay(
                after: .response(status: 503, retryAfterSeconds: nil), retriesSoFar: 0, idempotent: false,
                backoff: &backoff) == nil)
        #expect(
            policy.delay(
                after: .response(status: 500, retryAfterSeconds: nil), retriesSoFar: 0, idempotent: true,
                backoff: &backoff) == nil)
        #expect(policy.delay(after: .connectionFailure, retriesSoFar: 0, idempotent: true, backoff: &backoff) != nil)
        #expect(policy.delay(after: .connectionFailure, retriesSoFar: 0, idempotent: false, backoff: &backoff) == nil)
        // Absurd Retry-After values are clamped.
        #expect(
            policy.delay(
                after: .response(status: 429, retryAfterSeconds: 86400), retriesSoFar: 0, idempotent: true,
                backoff: &backoff) == .seconds(60))
    }
}
