import ExternalData
import KubeClient
import Logging
import PolicyEngine
import Synchronization

/// What every part of the scan shares for the controller's whole life, across leadership terms: the client,
/// the configuration, the policies, the report writer and the context sources, made once by
/// ``ReportsController``. The parts of one term (``ScanTerm``) hold it; what changes during a term is
/// theirs.
struct ScanContext: Sendable {
    let client: KubeClient
    let configuration: ReportsController.Configuration
    let logger: Logger
    /// Readiness and settling.
    let status: ControllerStatus
    /// The policies and their states.
    let policies: PolicyCache
    /// Writes reports only when their content changes.
    let writer: ReportWriter
    /// The Namespaces' labels and objects, for namespace selectors and CEL's `namespaceObject`.
    let namespaces: NamespaceLabels
    /// Which informers the API server forbids to list or watch.
    let access: InformerAccess
    /// The context entries' data sources (API calls, images, services, GlobalContextEntries).
    let provider: ClusterContextProvider
    /// The data of the GlobalContextEntries.
    let globalContext: GlobalContextStore
    /// The `apiCall.service` client, when service calls are enabled.
    let services: ServiceCallClient?
    let evaluators: Evaluators
    /// Kyverno's per-result metrics, with their handles cached.
    let kyvernoMetrics: KyvernoMetricsRecorder
    let counters: ScanCounters
    /// Fires when graceful shutdown begins.
    let shutdown: Latch

    /// The three policy engines.
    struct Evaluators: Sendable {
        let kyverno: PolicyEvaluator
        let validating = ValidatingPolicyEvaluator()
        let admission = ValidatingAdmissionPolicyEvaluator()
    }

    /// Whether the task is cancelled or the controller is shutting down.
    var isStopping: Bool { Task.isCancelled || shutdown.hasFired }

    /// Throws `CancellationError` when the task is cancelled or the controller is shutting down.
    func checkRunning() throws {
        if isStopping { throw CancellationError() }
    }

    /// Runs `body` until it succeeds, backing off between failures; only cancellation or shutdown ends it.
    func withRetries<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var backoff = configuration.informerBackoff
        while true {
            do {
                return try await body()
            } catch {
                if error is CancellationError || isStopping { throw CancellationError() }
                logger.warning("\(what) failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: backoff.next())
            }
        }
    }

    /// Seeds the report writer from the cluster's reports, retrying until it succeeds.
    func seedReports() async throws {
        try await withRetries("listing existing reports") {
            try await writer.seed(keep: configuration.scope.owns(uid:))
        }
        logger.info("existing reports", metadata: ["count": "\(writer.knownReports.count)"])
    }

    /// A light-mode informer (no objects kept, scan content hashed) whose 403s go to ``access``.
    func makeInformer(_ resource: GroupVersionResource, kind: String) -> Informer {
        let access = self.access
        return Informer(
            client: client,
            configuration: Informer.Configuration(
                resource: resource, pageSize: configuration.pageSize, keepsObjects: false, contentHashing: .scanned,
                minimumWatchTimeout: configuration.minimumWatchTimeout, backoff: configuration.informerBackoff,
                accessObserver: { verbs in access.update(kind: kind, resource: resource, forbiddenVerbs: verbs) }))
    }

    /// Waits until every informer `informers()` returns has synced or may not list (the set may change
    /// meanwhile; it is read again after each wait). Returns false when shutdown began or the task was
    /// cancelled first.
    func waitUntilSyncedOrForbidden(_ informers: @escaping @Sendable () -> [Informer]) async -> Bool {
        while true {
            let pending = informers().filter { !$0.hasSyncedOrListForbidden }
            if pending.isEmpty { return true }
            let waited = await shutdown.unlessFired {
                for informer in pending { await informer.waitUntilSynced(orListForbidden: true) }
            }
            if !waited { return false }
        }
    }
}

/// Evaluations and retries since start, over every term.
final class ScanCounters: Sendable {
    private let counts = Mutex((evaluations: 0, retries: 0))

    var evaluations: Int { counts.withLock { $0.evaluations } }
    var retries: Int { counts.withLock { $0.retries } }

    func countEvaluation() { counts.withLock { $0.evaluations += 1 } }
    func countRetry() { counts.withLock { $0.retries += 1 } }
}

/// The scan content hash of each object's last finished evaluation, by UID: an update to content already
/// evaluated needs no new evaluation.
final class EvaluatedContent: Sendable {
    private let hashes = Mutex<[String: String]>([:])

    subscript(uid: String) -> String? { hashes.withLock { $0[uid] } }

    func record(_ hash: String, uid: String) { hashes.withLock { $0[uid] = hash } }

    func remove(uid: String) { _ = hashes.withLock { $0.removeValue(forKey: uid) } }
}
