import Foundation
import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyEngine
import PolicyReports
import Synchronization

extension ReportsController {
    /// A worker: takes keys until the queue shuts down.
    func work(_ queue: WorkQueue<ScanItem>) async {
        let workTimer = Metrics.Timer(label: "vigil_queue_work_duration_seconds")
        let clock = ContinuousClock()
        while let (key, item) = await queue.next() {
            let start = clock.now
            do {
                try await process(item)
                queue.done(key)
            } catch  where Task.isCancelled {
                // Leadership lost or shutdown escalated: the queue is shutting down, the next leader rescans.
                queue.done(key, succeeded: false)
            } catch {
                counters.withLock { $0.retries += 1 }
                var retried = item
                // A retry reads the object fresh.
                if case .evaluate(let target, _) = item { retried = .evaluate(target, object: nil) }
                logger.warning(
                    "scan failed; will retry",
                    metadata: ["uid": "\(key)", "failures": "\(queue.failures(of: key) + 1)", "error": "\(error)"])
                queue.retry(key, retried)
            }
            workTimer.recordNanoseconds(start.duration(to: clock.now).nanoseconds)
        }
    }

    /// Evaluates one object and writes (or deletes) its report.
    func process(_ item: ScanItem) async throws {
        switch item {
        case .delete(let uid):
            try await writer.delete(uid: uid)
            _ = runtime.withLock { $0.evaluatedHashes.removeValue(forKey: uid) }
        case .evaluate(let target, let listed):
            var object: JSONValue
            if let listed {
                object = listed
            } else {
                do {
                    object = try await client.get(
                        target.mapping.resource, namespace: target.namespace.isEmpty ? nil : target.namespace,
                        name: target.name)
                } catch let error as KubeAPIError where error.reason == .notFound {
                    return try await process(.delete(uid: target.uid))
                }
                // Same name, new object: the old one is gone (the new one has its own events).
                guard object[path: "metadata", "uid"]?.stringValue == target.uid else {
                    return try await process(.delete(uid: target.uid))
                }
                if object["kind"] == nil { object["kind"] = .string(target.mapping.kind) }
                if object["apiVersion"] == nil { object["apiVersion"] = .string(target.mapping.resource.groupVersion) }
            }
            let subject = target.subject
            let results = await evaluate(object, subject: subject, resource: target.mapping.resource.resource)
            if results.isEmpty {
                try await writer.delete(uid: subject.uid)
            } else {
                try await writer.write(PolicyReport(api: configuration.reportAPI, subject: subject, results: results))
            }
            let hash = contentHash(of: object, target: target)
            runtime.withLock { $0.evaluatedHashes[subject.uid] = hash }
            counters.withLock { $0.evaluations += 1 }
        }
    }

    /// The scan hash of an evaluated object: the informer's, when it holds this very version (hashed once
    /// on arrival), else computed.
    private func contentHash(of object: JSONValue, target: ScanTarget) -> String {
        let informer = runtime.withLock { $0.watchers[target.mapping.kind]?.informer }
        if let entry = informer?.entry(forKey: target.uid),
            entry.identity.resourceVersion == object[path: "metadata", "resourceVersion"]?.stringValue
        {
            return entry.contentHash
        }
        return object.scanContentHash
    }

    /// The report entries of every ready policy for an object, with Kyverno's metrics.
    /// - Parameter resource: the object's plural resource name (ValidatingPolicies match by it).
    func evaluate(_ object: JSONValue, subject: ReportSubject, resource: String) async -> [ReportResult] {
        let timestamp = Int(Date().timeIntervalSince1970)
        let clock = ContinuousClock()
        var entries: [ReportResult] = []
        let legacyExceptions = policies.legacyExceptions
        for compiled in policies.policySet.policies(forKind: subject.kind) {
            let start = clock.now
            let evaluation = await evaluator.evaluate(
                compiled, resource: object, provider: provider, exceptions: legacyExceptions)
            let elapsed = start.duration(to: clock.now)
            guard !evaluation.results.isEmpty else { continue }
            entries += ReportResult.entries(
                policy: compiled.policy, results: evaluation.results, source: configuration.reportSource,
                timestamp: timestamp)
            kyvernoMetrics.record(
                compiled.policy, evaluation.results, resourceKind: subject.kind,
                resourceNamespace: subject.namespace, elapsed: elapsed)
        }
        let attributes = AdmissionAttributes(object: object, resource: resource)
        let admission = policies.admissionIndex
        if !admission.isEmpty {
            // Kyverno records no metrics for these (its scanner does not wrap them in its metrics engine).
            let bindings = policies.admissionBindings
            for (compiled, resources) in admission where resources.contains(resource) || resources.contains("*") {
                let evaluation = await admissionEvaluator.evaluate(
                    compiled, bindings: bindings, attributes: attributes, provider: provider)
                entries += ReportResult.entries(
                    validatingAdmissionPolicy: compiled.policy, results: evaluation.results, timestamp: timestamp)
            }
        }
        let validating = policies.validatingIndex
        guard !validating.isEmpty else { return entries }
        let exceptions = policies.celExceptions
        for (compiled, resources) in validating {
            guard resources.contains(resource) || resources.contains("*") else { continue }
            let start = clock.now
            let evaluation = await validatingEvaluator.evaluate(
                compiled, attributes: attributes, provider: provider, exceptions: exceptions)
            let elapsed = start.duration(to: clock.now)
            guard !evaluation.results.isEmpty else { continue }
            entries += ReportResult.entries(
                validatingPolicy: compiled.policy, results: evaluation.results, timestamp: timestamp)
            kyvernoMetrics.record(
                compiled.policy, evaluation.results, resourceKind: subject.kind,
                resourceNamespace: subject.namespace, elapsed: elapsed)
        }
        return entries
    }

    /// Serves rescan requests one after another: reconciles informers when policies changed, then lists the
    /// affected kinds page by page and queues every object.
    func rescanLoop(_ requests: AsyncStream<RescanRequest>, queue: WorkQueue<ScanItem>) async throws {
        for await request in requests {
            do {
                try Task.checkCancellation()
                var started: Set<String> = []
                if request.reconcile { started = await reconcileWatchers(queue: queue) }
                let watchers = runtime.withLock { $0.watchers }
                var kinds = request.kinds
                if request.resources.contains("*") {
                    kinds.formUnion(watchers.keys)
                } else if !request.resources.isEmpty {
                    kinds.formUnion(await self.kinds(ofResources: request.resources))
                }
                // A kind whose informer just started is scanned by its first list.
                for kind in kinds.subtracting(started).sorted() {
                    guard let watcher = watchers[kind] else { continue }
                    try await withRetries("rescan of \(kind)") {
                        try await self.rescan(
                            watcher, namespace: request.namespace, pacing: request.pacing, queue: queue)
                    }
                }
            } catch {
                request.completion?.finish(completed: false)
                throw error
            }
            request.completion?.finish(completed: !Task.isCancelled)
        }
    }

    private func rescan(
        _ watcher: KindWatcher, namespace: String?, pacing: Duration, queue: WorkQueue<ScanItem>
    ) async throws {
        let mapping = watcher.mapping
        try await client.listPages(
            mapping.resource, namespace: mapping.namespaced ? namespace : nil, pageSize: configuration.pageSize
        ) { page, _ in
            for object in page.items {
                if !mapping.namespaced, let namespace, object[path: "metadata", "name"]?.stringValue != namespace {
                    continue
                }
                await enqueue(object, mapping: mapping, queue: queue, informer: watcher.informer)
            }
            if pacing > .zero { try await Task.sleep(for: pacing) }
        }
    }

    /// Full resyncs every ``Configuration/backgroundScanInterval`` (±10 %), each spread over a tenth of the
    /// interval.
    func resyncLoop() async throws {
        let interval = configuration.backgroundScanInterval
        while true {
            try await Task.sleep(for: interval * Double.random(in: 0.9...1.1))
            try await resync(pacing: interval / 10 / max(1, Double(liveUIDs().count / configuration.pageSize + 1)))
        }
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
        guard let queue = runtime.withLock({ $0.queue }) else { throw CancellationError() }
        let clock = ContinuousClock()
        let start = clock.now
        try await seedReports()
        let ticket = RescanTicket()
        let queued = runtime.withLock { runtime -> Bool in
            // The same leadership term; a term that ended finished its tickets and its stream.
            guard runtime.queue === queue, let rescans = runtime.rescans else { return false }
            runtime.rescanTickets.append(ticket)
            let request = RescanRequest(kinds: Set(runtime.watchers.keys), pacing: pacing, completion: ticket)
            if case .enqueued = rescans.yield(request) { return true }
            return false
        }
        if !queued { ticket.finish(completed: false) }
        let completed = await ticket.wait()
        runtime.withLock { $0.rescanTickets.removeAll { $0 === ticket } }
        guard completed else { throw CancellationError() }
        try checkRunning()
        await queue.wait(for: queue.checkpoint())
        try checkRunning()
        await cleanUpOrphans(queue: queue)
        await queue.wait(for: queue.checkpoint())
        try checkRunning()
        Metrics.Timer(label: "vigil_scan_duration_seconds").recordNanoseconds(start.duration(to: clock.now).nanoseconds)
        Gauge(label: "vigil_scan_objects").record(liveUIDs().count)
    }

    /// Whether the task is cancelled or the controller is shutting down.
    var isStopping: Bool { Task.isCancelled || runtime.withLock { $0.shuttingDown } }

    /// Throws `CancellationError` when the task is cancelled or the controller is shutting down.
    func checkRunning() throws {
        if isStopping { throw CancellationError() }
    }
}
