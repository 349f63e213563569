import Foundation
import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyEngine
import PolicyReports
import ServiceLifecycle

/// The evaluation workers: a `Service` of the leadership term.
///
/// ``ReportsController/Configuration/workers`` tasks take objects from the term's queue, evaluate every
/// ready policy against each and write (or delete) its report; a failure is retried with the queue's
/// per-key backoff, reading the object fresh. Graceful shutdown shuts the queue down: the workers finish
/// what they hold and return. Cancellation (lost leadership) shuts it down and cancels their requests.
final class ScanWorkers: Service, Sendable {
    private let term: TermContext
    private let kindInformers: KindInformers
    private var context: ScanContext { term.scan }
    private var queue: WorkQueue<ScanItem> { term.queue }

    init(term: TermContext, kindInformers: KindInformers) {
        self.term = term
        self.kindInformers = kindInformers
    }

    func run() async {
        let queue = self.queue
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { workers in
                    for _ in 0..<context.configuration.workers { workers.addTask { await self.work() } }
                }
            } onCancel: {
                queue.shutDown()
            }
        } onGracefulShutdown: {
            queue.shutDown()
        }
    }

    /// A worker: takes keys until the queue shuts down.
    private func work() async {
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
                context.counters.countRetry()
                var retried = item
                // A retry reads the object fresh.
                if case .evaluate(let target, _) = item { retried = .evaluate(target, object: nil) }
                context.logger.warning(
                    "scan failed; will retry",
                    metadata: ["uid": "\(key)", "failures": "\(queue.failures(of: key) + 1)", "error": "\(error)"])
                queue.retry(key, retried)
            }
            workTimer.recordNanoseconds(start.duration(to: clock.now).nanoseconds)
        }
    }

    /// Evaluates one object and writes (or deletes) its report.
    private func process(_ item: ScanItem) async throws {
        switch item {
        case .delete(let uid):
            try await context.writer.delete(uid: uid)
            term.evaluated.remove(uid: uid)
        case .evaluate(let target, let listed):
            var object: JSONValue
            if let listed {
                object = listed
            } else {
                do {
                    object = try await context.client.get(
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
                try await context.writer.delete(uid: subject.uid)
            } else {
                try await context.writer.write(
                    PolicyReport(api: context.configuration.reportAPI, subject: subject, results: results))
            }
            term.evaluated.record(contentHash(of: object, target: target), uid: subject.uid)
            context.counters.countEvaluation()
        }
    }

    /// The scan hash of an evaluated object: the informer's, when it holds this very version (hashed once
    /// on arrival), else computed.
    private func contentHash(of object: JSONValue, target: ScanTarget) -> String {
        let informer = kindInformers.watcher(ofKind: target.mapping.kind)?.informer
        if let entry = informer?.entry(forKey: target.uid),
            entry.identity.resourceVersion == object[path: "metadata", "resourceVersion"]?.stringValue
        {
            return entry.contentHash
        }
        return object.scanContentHash
    }

    /// The report entries of every ready policy for an object, with Kyverno's metrics.
    /// - Parameter resource: the object's plural resource name (ValidatingPolicies match by it).
    private func evaluate(_ object: JSONValue, subject: ReportSubject, resource: String) async -> [ReportResult] {
        let policies = context.policies.snapshot
        let provider = context.provider
        let evaluators = context.evaluators
        let source = context.configuration.reportSource
        let kyvernoMetrics = context.kyvernoMetrics
        let timestamp = Int(Date().timeIntervalSince1970)
        var entries: [ReportResult] = []
        for compiled in policies.policySet.policies(forKind: subject.kind) {
            let (evaluation, elapsed) = await Self.timed {
                await evaluators.kyverno.evaluate(
                    compiled, resource: object, provider: provider, exceptions: policies.legacyExceptions)
            }
            guard !evaluation.results.isEmpty else { continue }
            entries += ReportResult.entries(
                policy: compiled.policy, results: evaluation.results, source: source, timestamp: timestamp)
            kyvernoMetrics.record(
                compiled.policy, evaluation.results, resourceKind: subject.kind,
                resourceNamespace: subject.namespace, elapsed: elapsed)
        }
        let attributes = AdmissionAttributes(object: object, resource: resource)
        // Kyverno records no metrics for admission policies (its scanner does not wrap them in its metrics
        // engine).
        for (compiled, resources) in policies.admission where Self.matches(resources, resource) {
            let evaluation = await evaluators.admission.evaluate(
                compiled, bindings: policies.admissionBindings, attributes: attributes, provider: provider)
            entries += ReportResult.entries(
                validatingAdmissionPolicy: compiled.policy, results: evaluation.results, timestamp: timestamp)
        }
        for (compiled, resources) in policies.validating where Self.matches(resources, resource) {
            let (evaluation, elapsed) = await Self.timed {
                await evaluators.validating.evaluate(
                    compiled, attributes: attributes, provider: provider, exceptions: policies.celExceptions)
            }
            guard !evaluation.results.isEmpty else { continue }
            entries += ReportResult.entries(
                validatingPolicy: compiled.policy, results: evaluation.results, timestamp: timestamp)
            kyvernoMetrics.record(
                compiled.policy, evaluation.results, resourceKind: subject.kind,
                resourceNamespace: subject.namespace, elapsed: elapsed)
        }
        return entries
    }

    /// Whether a CEL policy's matched resources (plural names, `*` for all) include `resource`.
    private static func matches(_ resources: Set<String>, _ resource: String) -> Bool {
        resources.contains(resource) || resources.contains("*")
    }

    /// The result of `body` and how long it took.
    private static func timed<T>(_ body: () async -> T) async -> (T, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = await body()
        return (result, start.duration(to: clock.now))
    }
}
