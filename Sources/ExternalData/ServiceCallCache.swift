import JSONValue
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

    private struct Entry {
        var outcome: Outcome
        var expires: ContinuousClock.Instant
    }

    private struct Breaker {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
        var probing = false
        var lastFailure: ContextProviderError?
    }

    private let configuration: ServiceCallClient.Configuration
    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<Attempt, Never>] = [:]
    private var breakers: [String: Breaker] = [:]
    private(set) var statistics = ServiceCallClient.Statistics(requests: 0, cached: 0, coalesced: 0, breaker: 0)
    /// Entries beyond which expired ones are dropped.
    private static let pruneThreshold = 10_000

    init(configuration: ServiceCallClient.Configuration) {
        self.configuration = configuration
    }

    /// Answers `key` from the cache, an open breaker of `service` or a flight in progress, or runs `fetch`
    /// (once for all concurrent callers of the key).
    func call(key: String, service: String, fetch: @escaping @Sendable () async -> Attempt) async -> Outcome {
        let now = ContinuousClock.now
        if let entry = entries[key] {
            if entry.expires > now {
                statistics.cached += 1
                return entry.outcome
            }
            entries[key] = nil
        }
        if let task = inFlight[key] {
            statistics.coalesced += 1
            return await task.value.outcome
        }
        var breaker = breakers[service] ?? Breaker()
        if let openUntil = breaker.openUntil, let last = breaker.lastFailure {
            if now < openUntil || breaker.probing {
                statistics.breaker += 1
                return .failure(
                    ContextProviderError(
                        last.kind, "service \(service) is failing (circuit open): \(last.message)"))
            }
            breaker.probing = true
            breakers[service] = breaker
        }
        statistics.requests += 1
        let task = Task { await fetch() }
        inFlight[key] = task
        let attempt = await task.value
        inFlight[key] = nil
        record(attempt, key: key, service: service)
        return attempt.outcome
    }

    private func record(_ attempt: Attempt, key: String, service: String) {
        let outcome = attempt.outcome
        let now = ContinuousClock.now
        var breaker = breakers[service] ?? Breaker()
        breaker.probing = false
        switch outcome {
        case .success:
            breaker = Breaker()
            store(key, Entry(outcome: outcome, expires: now + configuration.cacheTTL))
        case .failure(let error):
            store(key, Entry(outcome: outcome, expires: now + configuration.negativeCacheTTL))
            if attempt.isServiceFailure {
                breaker.consecutiveFailures += 1
                breaker.lastFailure = error
                if breaker.consecutiveFailures >= max(1, configuration.breakerThreshold) {
                    breaker.openUntil = now + configuration.breakerCooldown
                }
            } else {
                breaker = Breaker()
            }
        }
        breakers[service] = breaker
    }

    private func store(_ key: String, _ entry: Entry) {
        entries[key] = entry
        guard entries.count > Self.pruneThreshold else { return }
        let now = ContinuousClock.now
        entries = entries.filter { $0.value.expires > now }
    }

    /// Counts a request sent past the cache.
    func countRequest() {
        statistics.requests += 1
    }

    /// Forgets every cached answer and closes every breaker.
    func removeAll() {
        entries = [:]
        breakers = [:]
    }
}
