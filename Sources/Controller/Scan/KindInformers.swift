import JSONValue
import KubeClient
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The informers of the kinds ready policies match, one light-mode informer per kind: a `Service` of the
/// leadership term.
///
/// ``reconcile()`` starts informers for kinds the policies now match and stops those no policy matches any
/// more; each informer runs as a child task of ``run()``, which ends them all on shutdown. Their events
/// queue objects for the ``ScanWorkers``: new and changed objects to evaluate, deleted ones to have their
/// report deleted.
final class KindInformers: Service, Sendable {
    /// A running informer for one kind.
    struct Watcher: Sendable {
        var kind: String
        var mapping: ResourceMapping
        var informer: Informer
        /// Fires when the kind is no longer watched.
        var stop = Latch()
    }

    private let term: TermContext
    private var context: ScanContext { term.scan }
    private var queue: WorkQueue<ScanItem> { term.queue }
    private let watchers = Mutex<[String: Watcher]>([:])
    private let starts: AsyncStream<Watcher>
    private let startContinuation: AsyncStream<Watcher>.Continuation

    init(term: TermContext) {
        self.term = term
        (starts, startContinuation) = AsyncStream.makeStream()
    }

    /// Runs the informers ``reconcile()`` starts until shutdown.
    func run() async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await watcher in self.starts {
                    group.addTask { await self.watch(watcher) }
                }
            }
        }
        startContinuation.finish()
    }

    private func watch(_ watcher: Watcher) async {
        let mapping = watcher.mapping
        _ = await watcher.stop.unlessFired {
            do {
                try await watcher.informer.run { event in
                    await self.handle(event, mapping: mapping, informer: watcher.informer)
                }
            } catch {
                // Cancelled: the kind is no longer watched or the term ended.
            }
        }
    }

    /// The watched kinds.
    var kinds: Set<String> { watchers.withLock { Set($0.keys) } }

    /// The watcher of `kind`, when watched.
    func watcher(ofKind kind: String) -> Watcher? { watchers.withLock { $0[kind] } }

    /// Every watcher.
    var all: [Watcher] { watchers.withLock { Array($0.values) } }

    /// Whether every permitted kind informer has synced: readiness. A kind the server forbids to list is
    /// logged, exported as `vigil_informer_forbidden` and retried, but does not hold readiness hostage.
    var synced: Bool { all.allSatisfy(\.informer.hasSyncedOrListForbidden) }

    /// Whether every kind informer has delivered its first list (forbidden ones included).
    var fullySynced: Bool { all.allSatisfy(\.informer.hasSynced) }

    /// The UIDs of every object the kind informers currently see.
    var liveUIDs: Set<String> {
        var uids: Set<String> = []
        for watcher in all { uids.formUnion(watcher.informer.store.entries.keys) }
        return uids
    }

    /// Starts informers for kinds ready policies now match and stops those no policy matches any more
    /// (queueing the deletion of their objects' reports). Returns the kinds it started.
    func reconcile() async -> Set<String> {
        let policies = context.policies
        let desired = policies.kinds.union(await kinds(ofResources: policies.validatingResources))
        let current = kinds
        var started: Set<String> = []
        for kind in desired.subtracting(current).sorted() {
            guard let mapping = await mapping(forKind: kind) else { continue }
            guard mapping.supports("list") && mapping.supports("watch") else {
                context.logger.warning("kind cannot be listed and watched; skipped", metadata: ["kind": "\(kind)"])
                continue
            }
            let watcher = Watcher(
                kind: kind, mapping: mapping, informer: context.makeInformer(mapping.resource, kind: kind))
            watchers.withLock { $0[kind] = watcher }
            startContinuation.yield(watcher)
            InformerMetrics.synced(mapping.resource, false)
            context.logger.info("watching", metadata: ["kind": "\(kind)", "resource": "\(mapping.resource)"])
            started.insert(kind)
        }
        for kind in current.subtracting(desired).sorted() {
            guard let watcher = watchers.withLock({ $0.removeValue(forKey: kind) }) else { continue }
            watcher.stop.fire()
            context.access.remove(watcher.mapping.resource)
            InformerMetrics.synced(watcher.mapping.resource, false)
            context.logger.info("no longer watching", metadata: ["kind": "\(kind)"])
            for uid in watcher.informer.store.entries.keys { queue.insert(uid, .delete(uid: uid)) }
        }
        context.status.setInformersSynced(synced)
        return started
    }

    /// The kinds of resources (plural names, as ValidatingPolicies' resource rules name them), from
    /// discovery (refreshed once when one is unknown). `*` stands for no kind of its own.
    func kinds(ofResources resources: Set<String>) async -> Set<String> {
        let names = resources.subtracting(["*"])
        guard !names.isEmpty else { return [] }
        func lookUp(_ mapper: RESTMapper) -> (kinds: Set<String>, missing: Set<String>) {
            var kinds: Set<String> = []
            var missing = names
            for mapping in mapper.mappings where names.contains(mapping.resource.resource) {
                kinds.insert(mapping.kind)
                missing.remove(mapping.resource.resource)
            }
            return (kinds, missing)
        }
        do {
            var (kinds, missing) = lookUp(try await context.client.restMapper())
            if !missing.isEmpty {
                (kinds, missing) = lookUp(try await context.client.discover())
                for resource in missing.sorted() {
                    context.logger.warning(
                        "resource is not served by this cluster; skipped", metadata: ["resource": "\(resource)"])
                }
            }
            return kinds
        } catch {
            context.logger.warning(
                "discovery failed", metadata: ["resources": "\(names.sorted())", "error": "\(error)"])
            return []
        }
    }

    private func mapping(forKind kind: String) async -> ResourceMapping? {
        do {
            if let mapping = try await context.client.restMapper().mapping(kind: kind) { return mapping }
            // A CRD installed since the last discovery.
            if let mapping = try await context.client.discover().mapping(kind: kind) { return mapping }
        } catch {
            context.logger.warning("discovery failed", metadata: ["kind": "\(kind)", "error": "\(error)"])
            return nil
        }
        context.logger.warning("kind is not served by this cluster; skipped", metadata: ["kind": "\(kind)"])
        return nil
    }

    /// Handles an event of a kind informer: new and changed objects are queued, deleted ones have their
    /// report deleted. Updates that change neither spec, labels nor annotations are ignored (the informer
    /// hashes what a scan sees, ``ContentHashing/scanned``).
    private func handle(_ event: InformerEvent, mapping: ResourceMapping, informer: Informer) async {
        InformerMetrics.record(event, resource: mapping.resource)
        switch event {
        case .added(let object):
            await enqueue(object, mapping: mapping)
        case .updated(let object, let contentChanged):
            guard contentChanged, let uid = object[path: "metadata", "uid"]?.stringValue else { return }
            // Content a finished evaluation already saw needs none, unless another version of the object is
            // still queued or in progress (A → B → A: B would otherwise be reported last).
            if let hash = term.evaluated[uid], hash == informer.entry(forKey: uid)?.contentHash, !queue.holds(uid) {
                return
            }
            await enqueue(object, mapping: mapping)
        case .deleted(let identity, _):
            guard !identity.uid.isEmpty, context.configuration.scope.owns(uid: identity.uid) else { return }
            queue.insert(identity.uid, .delete(uid: identity.uid))
        case .resynced:
            InformerMetrics.synced(mapping.resource, true)
        }
    }

    /// Queues an object for evaluation when it is in scope and in this shard; an object out of scope has
    /// its report (if any) deleted.
    /// - Parameter informer: the kind's informer when the object comes from a rescan's list rather than
    ///   from that informer: a listed copy older than what it has seen is read again instead
    ///   (``ScanItem/listed(_:target:informedVersion:)``).
    func enqueue(_ listed: JSONValue, mapping: ResourceMapping, informer: Informer? = nil) async {
        var object = listed
        if object["kind"] == nil { object["kind"] = .string(mapping.kind) }
        if object["apiVersion"] == nil { object["apiVersion"] = .string(mapping.resource.groupVersion) }
        let scope = context.configuration.scope
        guard let identity = ObjectIdentity(object: object), !identity.uid.isEmpty, scope.owns(uid: identity.uid)
        else { return }
        guard scope.includes(kind: mapping.kind, namespace: identity.namespace, name: identity.name) else {
            if context.writer.knownReports[identity.uid] != nil {
                queue.insert(identity.uid, .delete(uid: identity.uid))
            }
            return
        }
        let target = ScanTarget(mapping: mapping, identity: identity)
        let item =
            informer.flatMap { informer in
                // Before its first list the informer knows nothing to compare with.
                informer.hasSynced
                    ? ScanItem.listed(
                        object, target: target,
                        informedVersion: informer.entry(forKey: identity.key)?.identity.resourceVersion) : nil
            } ?? .evaluate(target, object: object)
        await queue.add(identity.uid, item)
    }
}

/// The informer metrics: `vigil_informer_events_total{resource,type}`, `vigil_informer_relists_total`,
/// `vigil_informer_synced`.
enum InformerMetrics {
    static func record(_ event: InformerEvent, resource: GroupVersionResource) {
        let type: String
        switch event {
        case .added: type = "added"
        case .updated: type = "updated"
        case .deleted: type = "deleted"
        case .resynced:
            type = "resynced"
            Counter(label: "vigil_informer_relists_total", dimensions: [("resource", resource.metricLabel)])
                .increment()
        }
        Counter(
            label: "vigil_informer_events_total", dimensions: [("resource", resource.metricLabel), ("type", type)]
        ).increment()
    }

    static func synced(_ resource: GroupVersionResource, _ synced: Bool) {
        Gauge(label: "vigil_informer_synced", dimensions: [("resource", resource.metricLabel)]).record(synced ? 1 : 0)
    }
}

extension GroupVersionResource {
    /// The metric label: `pods`, `deployments.apps`.
    var metricLabel: String { group.isEmpty ? resource : "\(resource).\(group)" }
}
