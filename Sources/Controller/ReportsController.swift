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
    public var status: ControllerStatus { context.status }
    /// The policies and their states.
    public var policies: PolicyCache { context.policies }
    /// The data of the GlobalContextEntries, kept while leading.
    public var globalContext: GlobalContextStore { context.globalContext }
    let context: ScanContext
    let logger: Logger
    /// The running term (nil while not leading) and the shutdown flags.
    private let runtime = Mutex(Runtime())
    /// Fires when graceful shutdown begins: what startup waits and the election await.
    private var shutdownLatch: Latch { context.shutdown }

    private struct Runtime {
        var term: ScanTerm?
        var shuttingDown = false
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
        self.configuration = configuration
        self.logger = logger
        let queries = QueryEngine.kyverno()
        let namespaces = NamespaceLabels()
        let globalContext = GlobalContextStore(queries: queries)
        context = ScanContext(
            client: client, configuration: configuration, logger: logger, status: ControllerStatus(),
            policies: PolicyCache(queries: queries, logger: logger, exceptionSettings: configuration.policyExceptions),
            writer: ReportWriter(client: client, api: configuration.reportAPI, logger: logger),
            namespaces: namespaces, access: InformerAccess(logger: logger),
            provider: ClusterContextProvider(
                client: client, namespaces: namespaces, images: images, services: services, globals: globalContext),
            globalContext: globalContext, services: services,
            evaluators: ScanContext.Evaluators(
                kyverno: PolicyEvaluator(
                    queries: queries, ignoreSkipsImageLookupErrors: configuration.ignoreSkipsImageLookupErrors)),
            kyvernoMetrics: KyvernoMetricsRecorder(), counters: ScanCounters(), shutdown: Latch())
    }

    public var statistics: Statistics {
        let writer = context.writer
        return Statistics(
            reportWrites: writer.operations, conflicts: writer.conflictCount,
            evaluations: context.counters.evaluations, retries: context.counters.retries)
    }

    /// Counters of the GlobalContextEntry loaders (`apiCall` attempts, `kubernetesResource` lists) of the
    /// current term.
    public var globalContextStatistics: (calls: Int, lists: Int) {
        let statistics = runtime.withLock { $0.term }?.sources.globalContextStatistics
        return (statistics?.calls ?? 0, statistics?.lists ?? 0)
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
        runtime.withLock { runtime in
            runtime.shuttingDown = true
            runtime.leadingAtShutdown = runtime.term != nil
        }
        logger.info("shutting down: finishing in-flight work")
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
        let elector = LeaderElector(client: context.client, configuration: election, callbacks: callbacks)
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
    /// when the task is cancelled): runs one ``ScanTerm``.
    func lead() async throws {
        let term = ScanTerm(context: context)
        let shuttingDown = runtime.withLock { runtime in
            runtime.term = term
            return runtime.shuttingDown
        }
        defer {
            runtime.withLock { $0.term = nil }
            term.queue.shutDown()
            status.setInformersSynced(false)
        }
        if shuttingDown { throw CancellationError() }
        logger.info("leading: starting the background scan")
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await term.run()
                return true
            }
            group.addTask {
                // A shutdown begun by ``beginShutdown()`` rather than by the enclosing service group.
                await self.shutdownLatch.wait()
                await term.beginShutdown()
                return false
            }
            defer { group.cancelAll() }
            while let ended = try await group.next(), !ended {}
        }
        // A graceful shutdown ends the term; leaving by cancellation ends it too.
        throw CancellationError()
    }

    /// Runs a full resync now and waits until its evaluations and writes are done: re-reads the cluster's
    /// reports (so a report changed or deleted behind Vigil's back is rewritten), evaluates every watched
    /// object again, and deletes reports whose resources are gone. Unchanged reports cost no write.
    ///
    /// It waits for the objects it queued (through a ``WorkQueue/Checkpoint``), not for the queue to be idle:
    /// an object that keeps failing counts once it is parked in backoff, and changes arriving meanwhile do
    /// not hold it up.
    ///
    /// - Parameter pacing: the pause between list pages.
    /// - Throws: `CancellationError` when cancelled, when the controller is not leading, or when it shuts
    ///   down or loses leadership before the resync is done.
    public func resync(pacing: Duration = .zero) async throws {
        guard let term = runtime.withLock({ $0.term }) else { throw CancellationError() }
        try await term.scheduler.resync(pacing: pacing)
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
