import JSONValue
import KubeClient
import Logging
import Metrics
import ServiceLifecycle

/// What gets scanned when: a `Service` of the leadership term.
///
/// It seeds the report writer from the cluster's reports, waits for the ``PolicySources``, starts the
/// ``KindInformers`` (whose first lists are the first scan), then serves rescan requests one after another
/// (policy, Namespace and GlobalContextEntry changes; resyncs), runs the periodic resync, and marks the
/// controller settled after the first scan. Each scan waits for its own batch through a
/// ``WorkQueue/Checkpoint``, never for a globally idle queue.
final class ScanScheduler: Service, Sendable {
    private let term: TermContext
    private let kindInformers: KindInformers
    private let sources: PolicySources
    private var context: ScanContext { term.scan }
    private var queue: WorkQueue<ScanItem> { term.queue }
    private var rescans: RescanChannel { term.rescans }

    init(term: TermContext, kindInformers: KindInformers, sources: PolicySources) {
        self.term = term
        self.kindInformers = kindInformers
        self.sources = sources
    }

    func run() async throws {
        // Requests still queued are never served now: their resyncs end.
        defer { rescans.finish() }
        do {
            try await cancelWhenGracefulShutdown {
                try await self.context.seedReports()
                guard await self.sources.waitUntilReady() else { return }
                // Open first: a policy that changes while the informers start is rescanned.
                self.rescans.open()
                _ = await self.kindInformers.reconcile()
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.serveRescans() }
                    group.addTask { try await self.resyncPeriodically() }
                    group.addTask { await self.settle() }
                }
            }
        } catch is CancellationError {
            // The term is ending.
        }
        await ScanTerm.awaitOwnShutdown()
    }

    /// Waits for the first full scan: every informer synced and every object its first list queued processed
    /// (or parked in backoff: one object failing forever does not hold the others up); then deletes reports
    /// left for resources that no longer exist, and marks the controller settled.
    private func settle() async {
        let clock = ContinuousClock()
        let start = clock.now
        guard await context.waitUntilSyncedOrForbidden({ self.kindInformers.all.map(\.informer) }) else { return }
        context.status.setInformersSynced(true)
        await queue.wait(for: queue.checkpoint())
        guard !context.isStopping else { return }
        await cleanUpOrphans()
        await queue.wait(for: queue.checkpoint())
        guard !context.isStopping else { return }
        let objects = recordScan(since: start, clock: clock)
        context.logger.info(
            "initial scan settled",
            metadata: ["objects": "\(objects)", "reports": "\(context.writer.knownReports.count)"])
        context.status.markSettled()
    }

    /// Serves rescan requests one after another: reconciles informers when policies changed, then lists the
    /// affected kinds page by page and queues every object.
    private func serveRescans() async throws {
        for await request in rescans.requests {
            do {
                try Task.checkCancellation()
                var started: Set<String> = []
                if request.reconcile { started = await kindInformers.reconcile() }
                var kinds = request.kinds
                if request.resources.contains("*") {
                    kinds.formUnion(kindInformers.kinds)
                } else if !request.resources.isEmpty {
                    kinds.formUnion(await kindInformers.kinds(ofResources: request.resources))
                }
                // A kind whose informer just started is scanned by its first list.
                for kind in kinds.subtracting(started).sorted() {
                    guard let watcher = kindInformers.watcher(ofKind: kind) else { continue }
                    try await context.withRetries("rescan of \(kind)") {
                        try await self.rescan(watcher, namespace: request.namespace, pacing: request.pacing)
                    }
                }
            } catch {
                request.completion?.finish(completed: false)
                throw error
            }
            request.completion?.finish(completed: !Task.isCancelled)
        }
    }

    private func rescan(_ watcher: KindInformers.Watcher, namespace: String?, pacing: Duration) async throws {
        let mapping = watcher.mapping
        try await context.client.listPages(
            mapping.resource, namespace: mapping.namespaced ? namespace : nil,
            pageSize: context.configuration.pageSize
        ) { page, _ in
            for object in page.items {
                if !mapping.namespaced, let namespace, object[path: "metadata", "name"]?.stringValue != namespace {
                    continue
                }
                await kindInformers.enqueue(object, mapping: mapping, informer: watcher.informer)
            }
            if pacing > .zero { try await Task.sleep(for: pacing) }
        }
    }

    /// Full resyncs every ``ReportsController/Configuration/backgroundScanInterval`` (±10 %), each spread
    /// over a tenth of the interval.
    private func resyncPeriodically() async throws {
        let interval = context.configuration.backgroundScanInterval
        while true {
            try await Task.sleep(for: interval * Double.random(in: 0.9...1.1))
            let pages = kindInformers.liveUIDs.count / context.configuration.pageSize + 1
            try await resync(pacing: interval / 10 / Double(pages))
        }
    }

    /// Runs a full resync and waits until its evaluations and writes are done (see
    /// ``ReportsController/resync(pacing:)``).
    func resync(pacing: Duration) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        try await context.seedReports()
        let request = RescanRequest(kinds: kindInformers.kinds, pacing: pacing)
        guard await rescans.submit(request, ticket: RescanTicket()) else { throw CancellationError() }
        try context.checkRunning()
        await queue.wait(for: queue.checkpoint())
        try context.checkRunning()
        await cleanUpOrphans()
        await queue.wait(for: queue.checkpoint())
        try context.checkRunning()
        _ = recordScan(since: start, clock: clock)
    }

    /// Deletes reports (of this shard) whose resource is not among the watched live objects. Skipped while
    /// a kind informer has not listed (its kind forbidden): its objects' reports would look orphaned.
    private func cleanUpOrphans() async {
        guard kindInformers.fullySynced else {
            context.logger.notice("orphaned reports are not cleaned up while some kinds cannot be listed")
            return
        }
        let live = kindInformers.liveUIDs
        let scope = context.configuration.scope
        for (uid, _) in context.writer.knownReports where !live.contains(uid) && scope.owns(uid: uid) {
            queue.insert(uid, .delete(uid: uid))
        }
    }

    /// Records a finished scan's duration and object count; returns the count.
    private func recordScan(since start: ContinuousClock.Instant, clock: ContinuousClock) -> Int {
        Metrics.Timer(label: "vigil_scan_duration_seconds").recordNanoseconds(start.duration(to: clock.now).nanoseconds)
        let objects = kindInformers.liveUIDs.count
        Gauge(label: "vigil_scan_objects").record(objects)
        return objects
    }
}
