import JSONValue
import LookupCaching
import PolicyEngine

/// The shared state behind ``ServiceCallClient``: cached answers (TTL), calls in flight (single-flight) and a
/// circuit breaker per service.
///
/// An actor: every decision (answer from cache, join a flight, refuse through the breaker, start a call) is
/// taken atomically, so a thousand concurrent identical calls send exactly one request.
actor ServiceCallCache {
    typealias Outcome = Result<JSONValue, ContextProviderError>

    /// One call's outcome, and whether its failure concerns the service as a whole (unreachable, timeout,
    /// TLS, a 5xx status), so that it counts towards the breaker.
    struct Attempt: Sendable {
        var outcome: Outcome
        var isServiceFailure: Bool
    }

    private var state: LookupCacheState<JSONValue, ContextProviderError>
    private var inFlight: [String: Task<Attempt, Never>] = [:]
    private(set) var statistics = ServiceCallClient.Statistics(requests: 0, cached: 0, coalesced: 0, breaker: 0)

    init(configuration: ServiceCallClient.Configuration) {
        // Past 10,000 answers the expired ones are dropped.
        state = LookupCacheState(
            ttl: configuration.cacheTTL, negativeTTL: configuration.negativeCacheTTL, maximumEntries: 10_000,
            evictsOldest: false, breakerThreshold: configuration.breakerThreshold,
            breakerCooldown: configuration.breakerCooldown)
    }

    /// Answers `key` from the cache, an open breaker of `service` or a flight in progress, or runs `fetch`
    /// (once for all concurrent callers of the key).
    func call(key: String, service: String, fetch: @escaping @Sendable () async -> Attempt) async -> Outcome {
        let now = ContinuousClock.now
        if let outcome = state.answer(for: key, now: now) {
            statistics.cached += 1
            return outcome
        }
        if let task = inFlight[key] {
            statistics.coalesced += 1
            return await task.value.outcome
        }
        if let refusal = state.refusal(for: service, now: now) {
            statistics.breaker += 1
            let last = refusal.lastFailure
            return .failure(
                ContextProviderError(last.kind, "service \(service) is failing (circuit open): \(last.message)"))
        }
        statistics.requests += 1
        let task = Task { await fetch() }
        inFlight[key] = task
        let attempt = await task.value
        inFlight[key] = nil
        state.record(
            attempt.outcome, key: key, origin: service, originFailed: attempt.isServiceFailure, now: .now)
        return attempt.outcome
    }

    /// Counts a request sent past the cache.
    func countRequest() {
        statistics.requests += 1
    }

    /// Forgets every cached answer and closes every breaker.
    func removeAll() {
        state.removeAll()
    }
}
