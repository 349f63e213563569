import Synchronization

/// Whether the process is alive and ready, as `/healthz` and `/readyz` report it.
///
/// The controller updates it as it starts: ``setInformersSynced(_:pending:)`` once every informer has
/// listed its resource, ``setLeadershipKnown(_:)`` once leader election has either acquired the lease or
/// seen another holder (or immediately without leader election). Other parts add named checks with
/// ``setCheck(_:probe:passing:message:)``. Until every readiness check passes, `/readyz` answers 503.
///
/// Checks are listed in the order they were first set, as Kubernetes components list theirs.
public final class HealthState: Sendable {
    /// Which endpoint a check belongs to.
    public enum Probe: String, Sendable, Hashable {
        /// `/healthz`: failing means the process should be restarted.
        case liveness
        /// `/readyz`: failing means the process is not (yet) doing its job.
        case readiness
    }

    /// The built-in readiness check set by ``setInformersSynced(_:pending:)``.
    public static let informersSyncedCheck = "informers-synced"
    /// The built-in readiness check set by ``setLeadershipKnown(_:)``.
    public static let leaderElectionCheck = "leader-election"

    private let checks: Mutex<[HealthCheck]>

    /// A state with the two built-in readiness checks failing (nothing synced, leadership unknown).
    public init() {
        checks = Mutex([
            HealthCheck(
                name: Self.informersSyncedCheck, probe: .readiness, passing: false,
                message: "informers have not synced yet"),
            HealthCheck(
                name: Self.leaderElectionCheck, probe: .readiness, passing: false,
                message: "leadership is not known yet"),
        ])
    }

    /// Marks the informers synced (or not, e.g. after a restart of the watch machinery).
    /// - Parameter pending: resources (`plural.group`) still listing, named in the failure message.
    public func setInformersSynced(_ synced: Bool, pending: [String] = []) {
        let message: String? =
            synced
            ? nil
            : pending.isEmpty
                ? "informers have not synced yet" : "waiting for informers: \(pending.joined(separator: ", "))"
        setCheck(Self.informersSyncedCheck, passing: synced, message: message)
    }

    /// Marks leadership known: this replica leads, or another one holds the lease, or leader election is off.
    /// - Parameter holder: the current leader's identity, for the message while it is known.
    public func setLeadershipKnown(_ known: Bool, holder: String? = nil) {
        let message: String? =
            known ? holder.map { "leader: \($0)" } : "leadership is not known yet"
        setCheck(Self.leaderElectionCheck, passing: known, message: message)
    }

    /// Adds or updates a named check.
    /// - Parameters:
    ///   - name: a short identifier (`[a-z0-9-]`); it is also the path `/readyz/<name>` or `/healthz/<name>`.
    ///   - probe: the endpoint the check belongs to; a check keeps the probe it was first set with.
    ///   - message: why it fails (shown by the endpoints) or a note while it passes.
    public func setCheck(_ name: String, probe: Probe = .readiness, passing: Bool, message: String? = nil) {
        checks.withLock { checks in
            if let index = checks.firstIndex(where: { $0.name == name }) {
                checks[index].passing = passing
                checks[index].message = message
            } else {
                checks.append(HealthCheck(name: name, probe: probe, passing: passing, message: message))
            }
        }
    }

    /// Removes a named check (built-in ones included).
    public func removeCheck(_ name: String) {
        checks.withLock { $0.removeAll { $0.name == name } }
    }

    /// The checks of one endpoint, in order; `ping` (always passing) comes first, as in Kubernetes.
    public func checks(for probe: Probe) -> [HealthCheck] {
        let own = checks.withLock { $0.filter { $0.probe == probe } }
        return [HealthCheck(name: "ping", probe: probe, passing: true, message: nil)] + own
    }

    /// Whether every check of `probe` passes.
    public func isPassing(_ probe: Probe) -> Bool {
        checks.withLock { $0.allSatisfy { $0.probe != probe || $0.passing } }
    }
}

/// One named health check and its latest state.
public struct HealthCheck: Sendable, Hashable {
    public var name: String
    public var probe: HealthState.Probe
    public var passing: Bool
    /// Why it fails, or a note while it passes.
    public var message: String?

    public init(name: String, probe: HealthState.Probe, passing: Bool, message: String?) {
        self.name = name
        self.probe = probe
        self.passing = passing
        self.message = message
    }
}
