import ExternalData
import Foundation
import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyEngine
import PolicyReports
import ServiceLifecycle
import Synchronization

/// The background reports controller: policies in, reports out.
///
/// Run it as a `Service` (``run()``). With leader election configured, only the Lease holder scans and
/// writes; a new leader first lists the cluster's reports and then converges without rewriting the
/// unchanged ones. Graceful shutdown stops taking work, lets in-flight evaluations and writes finish,
/// stops the informers and releases the Lease.
public final class ReportsController: Service, Sendable {
    /// What the controller scans and how.
    public struct Configuration: Sendable {
        /// Namespaces, resource filters and shard.
        public var scope: ScanScope
        /// Concurrent evaluation workers.
        public var workers: Int
        /// The period of full resyncs (Kyverno's `--backgroundScanInterval`, 1 h).
        public var backgroundScanInterval: Duration
        public var reportAPI: ReportAPI
        /// The `source` of every result.
        public var reportSource: String
        /// Policies from files (`--policies`), in addition to those in the cluster.
        public var policyDocuments: [JSONValue]
        /// Whether to watch `ClusterPolicy` and `Policy` objects in the cluster.
        public var watchesClusterPolicies: Bool
        /// Leader election; `nil` runs as the only writer.
        public var leaderElection: LeaderElector.Configuration?
        /// Items per list page.
        public var pageSize: Int
        /// Waiting keys beyond which producers wait.
        public var queueCapacity: Int
        /// The per-key retry backoff of the work queue.
        public var retryBackoff: ExponentialBackoff
        /// The informers' error backoff.
        public var informerBackoff: ExponentialBackoff
        /// The lower bound of the informers' random watch timeout.
        public var minimumWatchTimeout: Duration
        /// Whether `failurePolicy: Ignore` turns a failed image lookup into `skip` (Kyverno's documented
        /// behaviour); `false` keeps `error`, as Kyverno's own background scan does.
        public var ignoreSkipsImageLookupErrors = true
        /// Whether to watch `GlobalContextEntry` objects (when the cluster serves them) for `globalReference`
        /// context entries.
        public var watchesGlobalContextEntries = true
        /// How long the first scan waits for GlobalContextEntries to finish their first load (ready or
        /// failed) before evaluating; rules reading one still loading get `error`, re-evaluated once it is
        /// ready.
        public var globalContextWait: Duration = .seconds(30)
        /// Which PolicyExceptions apply (Kyverno's `--enablePolicyException`, `--exceptionNamespace`).
        public var policyExceptions = PolicyExceptionSettings()

        public init(
            scope: ScanScope = ScanScope(), workers: Int = 2, backgroundScanInterval: Duration = .seconds(3600),
            reportAPI: ReportAPI = .wgpolicyk8s, reportSource: String = "kyverno", policyDocuments: [JSONValue] = [],
            watchesClusterPolicies: Bool = true, leaderElection: LeaderElector.Configuration? = nil,
            pageSize: Int = 500, queueCapacity: Int = 1000,
            retryBackoff: ExponentialBackoff = ExponentialBackoff(initial: .milliseconds(50), maximum: .seconds(300)),
            informerBackoff: ExponentialBackoff = .reflector, minimumWatchTimeout: Duration = .seconds(300)
        ) {
            precondition(workers > 0, "at least one worker")
            self.scope = scope
            self.workers = workers
            self.backgroundScanInterval = backgroundScanInterval
            self.reportAPI = reportAPI
            self.reportSource = reportSource
            self.policyDocuments = policyDocuments
            self.watchesClusterPolicies = watchesClusterPolicies
            self.leaderElection = leaderElection
            self.pageSize = pageSize
            self.queueCapacity = queueCapacity
            self.retryBackoff = retryBackoff
            self.informerBackoff = informerBackoff
            self.minimumWatchTimeout = minimumWatchTimeout
        }
    }

    /// Counters for tests, benchmarks and logs.
    public struct Statistics: Sendable, Hashable {
        /// Report writes per operation since start.
        public var reportWrites: [ReportWriter.Operation: Int]
        /// Write conflicts since start.
        public var conflicts: Int
        /// Objects evaluated since start.
        public var evaluations: Int
        /// Evaluations that failed and were retried.
        public var retries: Int
    }

    public let configuration: Configuration
    /// Readiness and settling, for `/readyz` and for callers that wait for reports.
    public let status = ControllerStatus()
    /// The policies and their states.
    public let policies: PolicyCache
    let client: KubeClient
    let logger: Logger
    let writer: ReportWriter
    let namespaces = NamespaceLabels()
    let access: InformerAccess
    let provider: ClusterContextProvider
    /// The data of the GlobalContextEntries, kept while leading.
    public let globalContext: GlobalContextStore
    /// The `apiCall.service` client, when service calls are enabled.
    let services: ServiceCallClient?
    let evaluator: PolicyEvaluator
    let validatingEvaluator = ValidatingPolicyEvaluator()
    let admissionEvaluator = ValidatingAdmissionPolicyEvaluator()
    let runtime = Mutex(Runtime())
    /// Fires when graceful shutdown begins: what startup waits and the election await.
    let shutdownLatch = ShutdownLatch()
    let counters = Mutex((evaluations: 0, retries: 0))
    /// Kyverno's per-result metrics, with their handles cached.
    let kyvernoMetrics = KyvernoMetricsRecorder()

    /// The mutable state of one leadership term.
    struct Runtime {
        var queue: WorkQueue<ScanItem>?
        var watchers: [String: KindWatcher] = [:]
        var policySources = PolicySources()
        var rescans: AsyncStream<RescanRequest>.Continuation?
        /// The tickets of resyncs waiting for their rescan; the end of the term finishes those left.
        var rescanTickets: [RescanTicket] = []
        var evaluatedHashes: [String: String] = [:]
        var globalContextWatcher: GlobalContextWatcher?
        var started = false
        var shuttingDown = false
        var leading = false
        /// Whether a leadership term was running when shutdown began (it then ends the election itself,
        /// after draining, so the Lease release is not cancelled).
        var leadingAtShutdown = false
    }

    /// - Parameters:
    ///   - client: the API client (its QPS/burst limit the controller's requests).
    ///   - configuration: scope, workers, intervals, report API.
    ///   - images: where `imageRegistry` context entries are looked up.
    ///   - services: the client of `apiCall.service` context entries and GlobalContextEntries; `nil` fails
    ///     service calls as unavailable.
    ///   - logger: structured logs (resource, policy and rule as metadata).
    public init(
        client: KubeClient, configuration: Configuration, images: any ImageDataSource = UnavailableImageDataSource(),
        services: ServiceCallClient? = nil, logger: Logger = Logger(label: "vigil.controller")
    ) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        access = InformerAccess(logger: logger)
        let queries = QueryEngine.kyverno()
        evaluator = PolicyEvaluator(
            queries: queries, ignoreSkipsImageLookupErrors: configuration.ignoreSkipsImageLookupErrors)
        policies = PolicyCache(
            queries: queries, logger: logger, exceptionSettings: configuration.policyExceptions)
        writer = ReportWriter(client: client, api: configuration.reportAPI, logger: logger)
        globalContext = GlobalContextStore(queries: queries)
        self.services = services
        provider = ClusterContextProvider(
            client: client, namespaces: namespaces, images: images, services: services, globals: globalContext)
    }

    public var statistics: Statistics {
        let counts = counters.withLock { $0 }
        return Statistics(
            reportWrites: writer.operations, conflicts: writer.conflictCount, evaluations: counts.evaluations,
            retries: counts.retries)
    }

    /// Runs until cancelled or gracefully shut down.
    /// - Throws: `CancellationError` when cancelled without a graceful shutdown.
    public func run() async throws {
        defer { status.markStopped() }
        do {
            try await withGracefulShutdownHandler {
                if let election = configuration.leaderElection {
                    try await runElected(election)
                } else {
                    status.setLeadership(.leader)
                    try await lead()
                }
            } onGracefulShutdown: {
                self.beginShutdown()
            }
        } catch is CancellationError where runtime.withLock({ $0.shuttingDown }) {
            logger.info("controller stopped")
        }
    }

    /// Stops taking work; in-flight evaluations and writes finish, then ``run()`` returns.
    public func beginShutdown() {
        let queue = runtime.withLock { runtime in
            runtime.shuttingDown = true
            runtime.leadingAtShutdown = runtime.leading
            return runtime.queue
        }
        logger.info("shutting down: finishing in-flight work")
        queue?.shutDown()
        shutdownLatch.fire()
    }

    private func runElected(_ election: LeaderElector.Configuration) async throws {
        let leader = Gauge(label: "vigil_leader", dimensions: [("shard", String(configuration.scope.shardIndex))])
        leader.record(0)
        // Readiness and metrics follow the elector's callbacks as client-go's OnNewLeader/OnStoppedLeading.
        let callbacks = LeaderElector.Callbacks(
            onNewLeader: { holder in
                if holder == election.identity {
                    self.status.setLeadership(.leader)
                    leader.record(1)
                } else if !holder.isEmpty {
                    self.status.setLeadership(.follower)
                }
            },
            onStoppedLeading: {
                // Campaigning again: a standby until the lease is won back.
                self.status.setLeadership(.follower)
                leader.record(0)
            })
        let elector = LeaderElector(client: client, configuration: election, callbacks: callbacks)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await elector.run { try await self.lead() }
                return false
            }
            group.addTask {
                // Once shutdown begins, a follower (nothing to drain) ends the election at once; a leader
                // drains its term, which then ends the election itself.
                await self.shutdownLatch.wait()
                return !self.runtime.withLock { $0.leadingAtShutdown }
            }
            defer { group.cancelAll() }
            while let endElection = try await group.next() {
                if endElection { throw CancellationError() }
                if !shutdownLatch.hasFired || Task.isCancelled { return }
            }
        }
    }

    /// Evaluates the current policies and writes reports until shutdown (or until leadership is lost,
    /// when the task is cancelled).
    func lead() async throws {
        let queue = Self.makeQueue(configuration)
        let (rescans, rescanContinuation) = AsyncStream<RescanRequest>.makeStream()
        let shuttingDown = runtime.withLock { runtime in
            runtime.queue = queue
            runtime.rescans = rescanContinuation
            runtime.started = false
            runtime.leading = true
            runtime.evaluatedHashes = [:]
            return runtime.shuttingDown
        }
        defer {
            let (watchers, tickets) = runtime.withLock { runtime in
                defer {
                    runtime.watchers = [:]
                    runtime.queue = nil
                    runtime.rescans = nil
                    runtime.rescanTickets = []
                    runtime.globalContextWatcher = nil
                    runtime.leading = false
                }
                return (runtime.watchers, runtime.rescanTickets)
            }
            for watcher in watchers.values { watcher.task.cancel() }
            rescanContinuation.finish()
            // Requests still queued are never served now: their resyncs end.
            for ticket in tickets { ticket.finish(completed: false) }
            queue.shutDown()
            status.setInformersSynced(false)
        }
        if shuttingDown { throw CancellationError() }
        logger.info("leading: starting the background scan")
        try await seedReports()
        try await withThrowingTaskGroup(of: Void.self) { background in
            try await startPolicySources(in: &background)
            // Returning early would wait for the policy informers, which run until cancelled.
            guard await waitUntilSyncedOrForbidden({ self.runtime.withLock { $0.policySources.informers } }) else {
                background.cancelAll()
                return
            }
            guard try await startGlobalContext(in: &background) else {
                background.cancelAll()
                return
            }
            runtime.withLock { $0.started = true }
            _ = await reconcileWatchers(queue: queue)
            background.addTask { try await self.rescanLoop(rescans, queue: queue) }
            background.addTask { try await self.resyncLoop() }
            background.addTask { await self.settle(queue: queue) }
            // Workers are not cancelled by a graceful shutdown (the queue shuts down and they finish what
            // they hold); a cancellation (lost leadership) shuts the queue down and cancels their requests.
            await withTaskCancellationHandler {
                await withTaskGroup(of: Void.self) { workers in
                    for _ in 0..<configuration.workers { workers.addTask { await self.work(queue) } }
                }
            } onCancel: {
                queue.shutDown()
            }
            background.cancelAll()
        }
        // The queue only shuts down for a graceful shutdown; leaving by cancellation ends the term too.
        throw CancellationError()
    }

    /// The work queue of a leadership term: a deletion queued for a key is never replaced by an evaluation
    /// (``ScanItem/merge(_:_:)``), so a list page read before an object was deleted cannot bring its report
    /// back.
    static func makeQueue(_ configuration: Configuration) -> WorkQueue<ScanItem> {
        WorkQueue<ScanItem>(
            capacity: configuration.queueCapacity, backoff: configuration.retryBackoff, merge: ScanItem.merge)
    }

    /// Seeds the report writer from the cluster's reports, retrying until it succeeds.
    func seedReports() async throws {
        try await withRetries("listing existing reports") {
            try await self.writer.seed(keep: self.configuration.scope.owns(uid:))
        }
        logger.info("existing reports", metadata: ["count": "\(writer.knownReports.count)"])
    }

    /// Polls `condition` until it holds (true) or shutdown begins (false).
    func waitUntil(_ condition: @Sendable () -> Bool) async -> Bool {
        while true {
            if condition() { return true }
            if runtime.withLock({ $0.shuttingDown }) || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the first full scan: every informer synced and every object its first list queued processed
    /// (or parked in backoff: one object failing forever does not hold the others up); then deletes reports
    /// left for resources that no longer exist, and marks the controller settled.
    private func settle(queue: WorkQueue<ScanItem>) async {
        let clock = ContinuousClock()
        let start = clock.now
        guard await waitUntilSyncedOrForbidden({ self.runtime.withLock { $0.watchers.values.map(\.informer) } })
        else { return }
        status.setInformersSynced(true)
        await queue.wait(for: queue.checkpoint())
        guard !isStopping else { return }
        await cleanUpOrphans(queue: queue)
        await queue.wait(for: queue.checkpoint())
        guard !isStopping else { return }
        let elapsed = start.duration(to: clock.now)
        Metrics.Timer(label: "vigil_scan_duration_seconds").recordNanoseconds(elapsed.nanoseconds)
        Gauge(label: "vigil_scan_objects").record(liveUIDs().count)
        logger.info(
            "initial scan settled",
            metadata: ["objects": "\(liveUIDs().count)", "reports": "\(writer.knownReports.count)"])
        status.markSettled()
    }

    /// Deletes reports (of this shard) whose resource is not among the watched live objects. Skipped while
    /// a kind informer has not listed (its kind forbidden): its objects' reports would look orphaned.
    func cleanUpOrphans(queue: WorkQueue<ScanItem>) async {
        guard watchersFullySynced() else {
            logger.notice("orphaned reports are not cleaned up while some kinds cannot be listed")
            return
        }
        let live = liveUIDs()
        for (uid, _) in writer.knownReports where !live.contains(uid) && configuration.scope.owns(uid: uid) {
            queue.insert(uid, .delete(uid: uid))
        }
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
