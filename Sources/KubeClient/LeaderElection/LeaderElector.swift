import Foundation
import JSONValue
import Logging
import Synchronization

/// Leader election with a `coordination.k8s.io/v1` Lease, as client-go's `tools/leaderelection`.
///
/// ``run(_:)`` acquires the lease (retrying every ``Configuration/retryPeriod`` with jitter), then runs
/// the leader's work while renewing; if a renewal does not succeed within ``Configuration/renewDeadline``
/// the work is cancelled and the elector campaigns again. On cancellation it releases the lease
/// (`holderIdentity` empty, `leaseDurationSeconds: 1`) so another replica takes over at once.
public final class LeaderElector: Sendable {
    public struct Configuration: Sendable {
        public var namespace: String
        public var name: String
        /// This candidate's unique identity (usually the pod name).
        public var identity: String
        /// How long a lease is valid after its last observed change (15 s).
        public var leaseDuration: Duration
        /// How long the leader keeps trying to renew before giving up (10 s).
        public var renewDeadline: Duration
        /// The pause between attempts (2 s).
        public var retryPeriod: Duration
        public var releaseOnCancel: Bool

        /// - Precondition: `leaseDuration > renewDeadline > 1.2 × retryPeriod`, as client-go requires.
        public init(
            namespace: String,
            name: String,
            identity: String,
            leaseDuration: Duration = .seconds(15),
            renewDeadline: Duration = .seconds(10),
            retryPeriod: Duration = .seconds(2),
            releaseOnCancel: Bool = true
        ) {
            precondition(leaseDuration > renewDeadline, "leaseDuration must be greater than renewDeadline")
            precondition(renewDeadline > retryPeriod * 1.2, "renewDeadline must be greater than 1.2 × retryPeriod")
            precondition(!identity.isEmpty, "a leader election identity is required")
            self.namespace = namespace
            self.name = name
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
            self.releaseOnCancel = releaseOnCancel
        }
    }

    /// What the elector tells its owner, as client-go's `LeaderCallbacks` (the work itself is
    /// ``run(_:)``'s argument). Called on the elector's task; they must be quick.
    public struct Callbacks: Sendable {
        /// The observed holder changed: this candidate's identity when it leads, another's when it
        /// follows, empty when the lease was released.
        public var onNewLeader: (@Sendable (_ holder: String) -> Void)?
        /// This candidate stopped leading (the lease was lost, released, or the work ended).
        public var onStoppedLeading: (@Sendable () -> Void)?

        public init(
            onNewLeader: (@Sendable (_ holder: String) -> Void)? = nil,
            onStoppedLeading: (@Sendable () -> Void)? = nil
        ) {
            self.onNewLeader = onNewLeader
            self.onStoppedLeading = onStoppedLeading
        }
    }

    static let leases = GroupVersionResource(group: "coordination.k8s.io", version: "v1", resource: "leases")

    public let configuration: Configuration
    private let client: KubeClient
    private let callbacks: Callbacks
    private let clock = ContinuousClock()
    private let state = Mutex<
        (observation: LeaseObservation, resourceVersion: String?, leading: Bool, reportedHolder: String?)
    >((LeaseObservation(), nil, false, nil))

    public init(client: KubeClient, configuration: Configuration, callbacks: Callbacks = Callbacks()) {
        self.client = client
        self.configuration = configuration
        self.callbacks = callbacks
    }

    /// Tells ``Callbacks/onNewLeader`` when the observed holder differs from the one last reported.
    private func reportTransition() {
        let holder: String? = state.withLock { state in
            let holder = state.observation.record?.holderIdentity ?? ""
            guard holder != state.reportedHolder else { return nil }
            state.reportedHolder = holder
            return holder
        }
        if let holder { callbacks.onNewLeader?(holder) }
    }

    /// Marks leadership over and tells ``Callbacks/onStoppedLeading`` (once per term).
    private func stopLeading() {
        let wasLeading = state.withLock { state in
            defer { state.leading = false }
            return state.leading
        }
        if wasLeading { callbacks.onStoppedLeading?() }
    }

    /// Whether this candidate currently believes it leads.
    public var isLeader: Bool { state.withLock { $0.leading } }

    /// The holder as last observed (empty when nobody holds the lease).
    public var observedHolder: String? { state.withLock { $0.observation.record?.holderIdentity } }

    /// Campaigns and leads until cancelled. `work` runs while this candidate leads and is cancelled when
    /// leadership is lost; after a loss the candidate campaigns again.
    ///
    /// - Throws: `CancellationError` when cancelled (after releasing the lease).
    public func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        defer { stopLeading() }
        while true {
            do {
                try await acquire()
            } catch {
                try await releaseIfCancelled(error)
            }
            state.withLock { $0.leading = true }
            logLeadership("acquired lease; leading")
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await work() }
                    group.addTask { try await self.renewUntilLost() }
                    // Whichever ends first (lost lease, or work finishing or failing) ends leadership.
                    _ = try await group.next()
                    group.cancelAll()
                }
            } catch {
                stopLeading()
                try await releaseIfCancelled(error)
                logLeadership("lost lease; campaigning again")
                continue
            }
            stopLeading()
            logLeadership("stopped leading")
            if Task.isCancelled { try await releaseIfCancelled(CancellationError()) }
        }
    }

    /// One line per leadership change, with the lease, this candidate and the holder last observed.
    private func logLeadership(_ message: Logger.Message) {
        client.logger.info(
            message,
            metadata: [
                "k8s.lease": "\(configuration.namespace)/\(configuration.name)",
                "k8s.identity": "\(configuration.identity)", "k8s.holder": "\(observedHolder ?? "")",
            ])
    }

    private func releaseIfCancelled(_ error: any Error) async throws {
        guard Task.isCancelled || error is CancellationError else { return }
        if configuration.releaseOnCancel { await release() }
        throw CancellationError()
    }

    private func acquire() async throws {
        while true {
            do {
                if try await tryAcquireOrRenew() { return }
            } catch {
                // An unreachable or failing server is not a reason to stop campaigning.
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
            }
            try await Task.sleep(for: jittered(configuration.retryPeriod))
        }
    }

    /// Renews every retry period; returns when a renewal has not succeeded for the renew deadline.
    private func renewUntilLost() async throws {
        var lastSuccess = clock.now
        while true {
            try await Task.sleep(for: configuration.retryPeriod)
            // An attempt that hangs must not outlive the deadline: a stalled leader stops leading on time.
            let remaining = configuration.renewDeadline - lastSuccess.duration(to: clock.now)
            let renewed = try await attempt(within: remaining)
            if renewed {
                lastSuccess = clock.now
            } else if lastSuccess.duration(to: clock.now) >= configuration.renewDeadline || !stillHolder() {
                return
            }
        }
    }

    /// One acquire-or-renew attempt bounded by `limit`; false when it fails or takes too long.
    private func attempt(within limit: Duration) async throws -> Bool {
        guard limit > .zero else { return false }
        let result = await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                do {
                    return try await self.tryAcquireOrRenew()
                } catch {
                    return false
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: limit)
                    return false
                } catch {
                    return nil
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? false
        }
        try Task.checkCancellation()
        return result
    }

    private func stillHolder() -> Bool {
        state.withLock { $0.observation.record?.holderIdentity == configuration.identity }
    }

    /// One attempt: read the lease, and create, take over or renew it if allowed.
    /// - Returns: whether this candidate holds the lease afterwards.
    func tryAcquireOrRenew() async throws -> Bool {
        let now = clock.now
        let wallTime = Date()
        let current: JSONValue
        do {
            current = try await client.get(Self.leases, namespace: configuration.namespace, name: configuration.name)
        } catch let error as KubeAPIError where error.reason == .notFound {
            let record = LeaseObservation().nextRecord(
                for: configuration.identity, leaseDuration: configuration.leaseDuration, wallTime: wallTime)
            let lease: JSONValue = [
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": ["name": .string(configuration.name), "namespace": .string(configuration.namespace)],
                "spec": record.spec,
            ]
            do {
                let created = try await client.create(Self.leases, namespace: configuration.namespace, object: lease)
                remember(created, record: record, at: now)
                return true
            } catch let error as KubeAPIError where error.reason == .alreadyExists {
                return false
            }
        }
        let observed = LeaseRecord(lease: current)
        let (allowed, next) = state.withLock { state in
            state.observation.observe(observed, at: now)
            state.resourceVersion = current[path: "metadata", "resourceVersion"]?.stringValue
            return (
                state.observation.mayAcquire(as: configuration.identity, now: now),
                state.observation.nextRecord(
                    for: configuration.identity, leaseDuration: configuration.leaseDuration, wallTime: wallTime)
            )
        }
        guard allowed else {
            reportTransition()
            return false
        }
        var updated = current
        updated["spec"] = next.spec
        do {
            let written = try await client.update(Self.leases, namespace: configuration.namespace, object: updated)
            remember(written, record: next, at: now)
            return true
        } catch let error as KubeAPIError where error.reason == .conflict {
            return false  // Another candidate wrote first.
        }
    }

    private func remember(_ lease: JSONValue, record: LeaseRecord, at now: ContinuousClock.Instant) {
        state.withLock { state in
            state.observation.observe(record, at: now)
            state.resourceVersion = lease[path: "metadata", "resourceVersion"]?.stringValue
        }
        reportTransition()
    }

    /// Gives the lease up if this candidate holds it, so a successor need not wait for expiry.
    /// - Returns: whether the lease was released (false when not held or the write failed; the lease
    ///   then expires after its duration).
    @discardableResult
    public func release() async -> Bool {
        guard stillHolder() else { return false }
        // Runs during shutdown: detach from the cancelled task so the write is attempted.
        let task = Task { [client, configuration] in
            let current = try await client.get(
                Self.leases, namespace: configuration.namespace, name: configuration.name)
            guard LeaseRecord(lease: current).holderIdentity == configuration.identity else { return }
            var record = LeaseRecord(lease: current)
            record.holderIdentity = ""
            record.leaseDurationSeconds = 1
            record.renewTime = Date()
            record.acquireTime = Date()
            var updated = current
            updated["spec"] = record.spec
            _ = try await client.update(Self.leases, namespace: configuration.namespace, object: updated)
        }
        let released: Bool
        do {
            try await task.value
            released = true
        } catch {
            released = false
        }
        stopLeading()
        state.withLock { $0.observation = LeaseObservation() }
        if released { reportTransition() }
        return released
    }

    private func jittered(_ duration: Duration) -> Duration {
        duration + duration * (1.2 * Double.random(in: 0..<1))
    }
}
