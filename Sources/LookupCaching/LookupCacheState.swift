/// The state behind a lookup cache with circuit breakers, shared by the registry client's image lookups and
/// the service-call client's calls: answers kept for a TTL (failures for a shorter one), at most
/// `maximumEntries` of them, and a breaker per origin (a registry, a service) that opens after consecutive
/// failures of the origin as a whole and, once its cooldown is over, lets one probe through.
///
/// A value for an actor to own: the actor takes each decision atomically and keeps its flights in progress
/// (single-flight) itself.
public struct LookupCacheState<Value: Sendable, Failure: Error & Sendable>: Sendable {
    public typealias Outcome = Result<Value, Failure>

    /// An open breaker refusing a lookup: the failure that opened it (or kept it open) and when it closes.
    public struct Refusal: Sendable {
        public var lastFailure: Failure
        public var openUntil: ContinuousClock.Instant
    }

    private struct Entry: Sendable {
        var outcome: Outcome
        var expires: ContinuousClock.Instant
    }

    private struct Breaker: Sendable {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
        var probing = false
        var lastFailure: Failure?
    }

    /// How long successes and failures are answered from the cache.
    private let ttl, negativeTTL: Duration
    /// Past this many answers the expired ones are dropped, and with `evictsOldest` then the oldest.
    private let maximumEntries: Int
    private let evictsOldest: Bool
    /// The consecutive origin failures that open a breaker, and how long it then refuses lookups.
    private let breakerThreshold: Int
    private let breakerCooldown: Duration
    private var entries: [String: Entry] = [:]
    private var insertionOrder: [String] = []
    private var breakers: [String: Breaker] = [:]

    /// - Parameters:
    ///   - ttl: how long a success is answered from the cache.
    ///   - negativeTTL: how long a failure is answered from the cache.
    ///   - maximumEntries: past this many answers (at least 1) the expired ones are dropped, and with
    ///     `evictsOldest` then the oldest until no more are kept.
    ///   - breakerThreshold: consecutive origin failures (at least 1) that open the origin's breaker.
    ///   - breakerCooldown: how long an open breaker refuses lookups before it lets one probe through.
    public init(
        ttl: Duration, negativeTTL: Duration, maximumEntries: Int, evictsOldest: Bool, breakerThreshold: Int,
        breakerCooldown: Duration
    ) {
        self.ttl = ttl
        self.negativeTTL = negativeTTL
        self.maximumEntries = max(1, maximumEntries)
        self.evictsOldest = evictsOldest
        self.breakerThreshold = max(1, breakerThreshold)
        self.breakerCooldown = breakerCooldown
    }

    /// The answer kept for `key` if it has not expired at `now`; an expired one is forgotten.
    public mutating func answer(for key: String, now: ContinuousClock.Instant) -> Outcome? {
        guard let entry = entries[key] else { return nil }
        if entry.expires > now { return entry.outcome }
        entries[key] = nil
        return nil
    }

    /// What the breaker of `origin` says about a lookup at `now`: a refusal while it is open (or while its
    /// probe is under way), else nil. An open breaker whose cooldown is over lets this lookup through as its
    /// one probe: ``record(_:key:origin:originFailed:now:)`` or ``releaseProbe(of:)`` ends the probe.
    public mutating func refusal(for origin: String, now: ContinuousClock.Instant) -> Refusal? {
        guard var breaker = breakers[origin], let openUntil = breaker.openUntil, let last = breaker.lastFailure
        else { return nil }
        if now < openUntil || breaker.probing { return Refusal(lastFailure: last, openUntil: openUntil) }
        breaker.probing = true
        breakers[origin] = breaker
        return nil
    }

    /// Keeps the outcome of a lookup of `key` at `origin`. A success closes the origin's breaker; a failure of
    /// the origin as a whole (`originFailed`: unreachable, timeout, TLS, ...) counts towards opening it, any
    /// other failure closes it.
    public mutating func record(
        _ outcome: Outcome, key: String, origin: String, originFailed: Bool, now: ContinuousClock.Instant
    ) {
        var breaker = breakers[origin] ?? Breaker()
        breaker.probing = false
        switch outcome {
        case .success:
            breaker = Breaker()
            store(key, Entry(outcome: outcome, expires: now + ttl), now: now)
        case .failure(let error):
            store(key, Entry(outcome: outcome, expires: now + negativeTTL), now: now)
            if originFailed {
                breaker.consecutiveFailures += 1
                breaker.lastFailure = error
                if breaker.consecutiveFailures >= breakerThreshold {
                    breaker.openUntil = now + breakerCooldown
                }
            } else {
                breaker = Breaker()
            }
        }
        breakers[origin] = breaker
    }

    /// Ends the probe of `origin` without an outcome (the lookup was cancelled, which says nothing about the
    /// origin), so that the next lookup probes instead.
    public mutating func releaseProbe(of origin: String) {
        breakers[origin]?.probing = false
    }

    /// Forgets every answer and closes every breaker.
    public mutating func removeAll() {
        entries = [:]
        insertionOrder = []
        breakers = [:]
    }

    private mutating func store(_ key: String, _ entry: Entry, now: ContinuousClock.Instant) {
        if entries.updateValue(entry, forKey: key) == nil, evictsOldest { insertionOrder.append(key) }
        guard entries.count > maximumEntries else { return }
        entries = entries.filter { $0.value.expires > now }
        guard evictsOldest else { return }
        insertionOrder.removeAll { entries[$0] == nil }
        while entries.count > maximumEntries, !insertionOrder.isEmpty {
            entries[insertionOrder.removeFirst()] = nil
        }
    }
}
