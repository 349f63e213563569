import Synchronization

/// Counts of answered lookups by how they were answered (`cache`) and their outcome (`class`), the same
/// numbers as `vigil_registry_lookups_total`, kept per client for tests, benchmarks and logs.
public struct LookupStatistics: Sendable, Hashable {
    /// Counts keyed by `cache` label (`miss`, `hit`, `negative`, `breaker`, `coalesced`) and then by `class`
    /// label (`ok`, `unreachable`, `timeout`, `tls`, `unauthorized`, `not-found`, `invalid`).
    public var counts: [String: [String: Int]]

    /// Creates empty statistics.
    public init() { self.counts = [:] }

    /// The lookups answered this way with this outcome; `nil` means any.
    public func count(cache: String? = nil, class outcome: String? = nil) -> Int {
        counts.filter { cache == nil || $0.key == cache }.values.reduce(0) { total, byClass in
            total + byClass.filter { outcome == nil || $0.key == outcome }.values.reduce(0, +)
        }
    }

    /// Lookups that went to the network (`cache="miss"`).
    public var networkLookups: Int { count(cache: "miss") }
    /// Every answered lookup.
    public var total: Int { count() }
}

/// The mutable statistics of one client.
final class StatisticsBox: Sendable {
    private let state = Mutex(LookupStatistics())

    func add(cache: String, outcome: String) {
        state.withLock { $0.counts[cache, default: [:]][outcome, default: 0] += 1 }
    }

    var value: LookupStatistics { state.withLock { $0 } }
}
