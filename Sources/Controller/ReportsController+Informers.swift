import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyEngine
import Synchronization

extension ReportsController {
    static let namespacesResource = GroupVersionResource(group: "", version: "v1", resource: "namespaces")

    /// Loads file policies, then starts the ClusterPolicy, Policy and Namespace informers in `group`.
    func startPolicySources(in group: inout ThrowingTaskGroup<Void, any Error>) async throws {
        for (index, document) in configuration.policyDocuments.enumerated() {
            if PolicyDecoder.isPolicyDocument(document) || ValidatingPolicyDecoder.isValidatingPolicyDocument(document)
                || ValidatingAdmissionPolicyDecoder.isPolicyDocument(document)
            {
                policies.upsert(document, key: "file/\(index)/" + PolicyCache.key(of: document))
            } else if ValidatingAdmissionPolicyDecoder.isBindingDocument(document) {
                policies.upsertBinding(document)
            } else if CELPolicyException.isExceptionDocument(document) || PolicyException.isExceptionDocument(document)
            {
                policies.upsertException(document, key: "file/\(index)")
            }
        }
        let mapper = try await withRetries("discovery") { try await self.client.restMapper() }
        var informers: [Informer] = []
        if configuration.watchesClusterPolicies {
            // The CEL kinds only where the cluster serves them (their absence holds nothing back).
            // kyverno.io PolicyExceptions only when they can apply (Kyverno does not watch them otherwise).
            let legacyExceptions =
                configuration.policyExceptions.enabled && !configuration.policyExceptions.namespace.isEmpty
            let kinds =
                [("ClusterPolicy", "kyverno.io"), ("Policy", "kyverno.io")]
                + (legacyExceptions ? [("PolicyException", "kyverno.io")] : [])
                + Self.celPolicyKinds.map { ($0, "policies.kyverno.io") }
                + Self.admissionPolicyKinds.map { ($0, "admissionregistration.k8s.io") }
            for (kind, apiGroup) in kinds {
                guard let mapping = mapper.mapping(kind: kind, group: apiGroup) else {
                    if apiGroup == "kyverno.io" && kind != "PolicyException" {
                        logger.warning(
                            "kyverno.io policies are not served by this cluster; using file policies only",
                            metadata: ["kind": "\(kind)"])
                    } else {
                        logger.info(
                            "policy kind not served by this cluster; not watched",
                            metadata: ["kind": "\(kind)", "group": "\(apiGroup)"])
                    }
                    continue
                }
                let informer = makeInformer(mapping.resource, kind: kind)
                informers.append(informer)
                group.addTask {
                    try await informer.run { event in self.policyEvent(event, kind: kind, mapping: mapping) }
                }
            }
        }
        let namespaceInformer = makeInformer(Self.namespacesResource, kind: "Namespace")
        informers.append(namespaceInformer)
        group.addTask { try await namespaceInformer.run { event in self.namespaceEvent(event) } }
        runtime.withLock { $0.policySources = PolicySources(informers: informers) }
    }

    /// Whether every permitted policy-source informer has synced (one the server forbids to list does not
    /// hold the start back; it is logged and retried).
    func policySourcesSynced() -> Bool {
        runtime.withLock { $0.policySources.informers }.allSatisfy(\.hasSyncedOrListForbidden)
    }

    /// Waits until every informer `informers()` returns has synced or may not list (the set may change
    /// meanwhile; it is read again after each wait). Returns false when shutdown began or the task was
    /// cancelled first.
    func waitUntilSyncedOrForbidden(_ informers: @escaping @Sendable () -> [Informer]) async -> Bool {
        while true {
            let pending = informers().filter { !$0.hasSyncedOrListForbidden }
            if pending.isEmpty { return true }
            let waited = await shutdownLatch.unlessFired {
                for informer in pending { await informer.waitUntilSynced(orListForbidden: true) }
            }
            if !waited { return false }
        }
    }

    /// Whether every permitted kind informer has synced: readiness. A kind the server forbids to list is
    /// logged, exported as `vigil_informer_forbidden` and retried, but does not hold readiness hostage.
    func watchersSynced() -> Bool {
        runtime.withLock { Array($0.watchers.values) }.allSatisfy(\.informer.hasSyncedOrListForbidden)
    }

    /// Whether every kind informer has delivered its first list (forbidden ones included).
    func watchersFullySynced() -> Bool {
        runtime.withLock { Array($0.watchers.values) }.allSatisfy(\.informer.hasSynced)
    }

    /// The UIDs of every object the kind informers currently see.
    func liveUIDs() -> Set<String> {
        var uids: Set<String> = []
        for watcher in runtime.withLock({ Array($0.watchers.values) }) {
            uids.formUnion(watcher.informer.store.entries.keys)
        }
        return uids
    }

    func makeInformer(_ resource: GroupVersionResource, kind: String) -> Informer {
        let access = self.access
        return Informer(
            client: client,
            configuration: Informer.Configuration(
                resource: resource, pageSize: configuration.pageSize, keepsObjects: false, contentHashing: .scanned,
                minimumWatchTimeout: configuration.minimumWatchTimeout, backoff: configuration.informerBackoff,
                accessObserver: { verbs in access.update(kind: kind, resource: resource, forbiddenVerbs: verbs) }))
    }

    /// The policies.kyverno.io kinds the controller watches when the cluster serves them.
    static let celPolicyKinds = ["ValidatingPolicy", "NamespacedValidatingPolicy", "PolicyException"]

    /// The Kubernetes admission policy kinds the controller watches when the cluster serves them
    /// (admissionregistration.k8s.io).
    static let admissionPolicyKinds = ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]

    private func policyEvent(_ event: InformerEvent, kind: String, mapping: ResourceMapping) {
        informerMetrics(event, resource: mapping.resource)
        let isException = kind == "PolicyException"
        let isBinding = kind == "ValidatingAdmissionPolicyBinding"
        var affected: PolicyCache.Affected?
        switch event {
        case .added(var object), .updated(var object, _):
            if object["kind"] == nil { object["kind"] = .string(kind) }
            if object["apiVersion"] == nil { object["apiVersion"] = .string(mapping.resource.groupVersion) }
            if isBinding {
                affected = policies.upsertBinding(object)
            } else if isException {
                // An exception may change any policy's results (Kyverno, too, rescans everything).
                if policies.upsertException(object) { affected = PolicyCache.Affected(resources: ["*"]) }
            } else {
                affected = policies.upsert(object)
            }
        case .deleted(let identity, _):
            if isBinding {
                affected = policies.removeBinding(name: identity.name)
            } else if isException {
                let key = PolicyCache.exceptionKey(
                    group: mapping.resource.group, namespace: identity.namespace, name: identity.name)
                if policies.removeException(key: key) { affected = PolicyCache.Affected(resources: ["*"]) }
            } else {
                affected = policies.remove(
                    key: PolicyCache.key(kind: kind, namespace: identity.namespace, name: identity.name))
            }
        case .resynced:
            affected = nil
        }
        guard let affected else { return }
        let rescans = runtime.withLock { $0.started ? $0.rescans : nil }
        rescans?.yield(RescanRequest(kinds: affected.kinds, resources: affected.resources, reconcile: true))
    }

    private func namespaceEvent(_ event: InformerEvent) {
        informerMetrics(event, resource: Self.namespacesResource)
        switch event {
        case .added(let object), .updated(let object, _):
            guard let name = object[path: "metadata", "name"]?.stringValue, namespaces.set(object: object) else {
                return
            }
            // Rules with a namespaceSelector may match differently now, CEL policies may read other
            // annotations: evaluate that namespace again.
            let (rescans, kinds) = runtime.withLock { ($0.started ? $0.rescans : nil, Set($0.watchers.keys)) }
            if case .updated = event { rescans?.yield(RescanRequest(kinds: kinds, namespace: name)) }
        case .deleted(let identity, _):
            namespaces.remove(identity.name)
        case .resynced:
            break
        }
    }

    /// Starts informers for kinds ready policies now match and stops those no policy matches any more
    /// (queueing the deletion of their objects' reports). Returns the kinds it started.
    func reconcileWatchers(queue: WorkQueue<ScanItem>) async -> Set<String> {
        let desired = policies.kinds.union(await kinds(ofResources: policies.validatingResources))
        let current = runtime.withLock { Set($0.watchers.keys) }
        var started: Set<String> = []
        for kind in desired.subtracting(current).sorted() {
            guard let mapping = await mapping(forKind: kind) else { continue }
            guard mapping.supports("list") && mapping.supports("watch") else {
                logger.warning("kind cannot be listed and watched; skipped", metadata: ["kind": "\(kind)"])
                continue
            }
            let informer = makeInformer(mapping.resource, kind: kind)
            let task = Task {
                do {
                    try await informer.run { event in
                        await self.objectEvent(event, mapping: mapping, informer: informer, queue: queue)
                    }
                } catch {
                    // Cancelled: the kind is no longer watched or the term ended.
                }
            }
            runtime.withLock {
                $0.watchers[kind] = KindWatcher(kind: kind, mapping: mapping, informer: informer, task: task)
            }
            Gauge(label: "vigil_informer_synced", dimensions: [("resource", mapping.resource.metricLabel)]).record(0)
            logger.info("watching", metadata: ["kind": "\(kind)", "resource": "\(mapping.resource)"])
            started.insert(kind)
        }
        for kind in current.subtracting(desired).sorted() {
            guard let watcher = runtime.withLock({ $0.watchers.removeValue(forKey: kind) }) else { continue }
            watcher.task.cancel()
            access.remove(watcher.mapping.resource)
            Gauge(label: "vigil_informer_synced", dimensions: [("resource", watcher.mapping.resource.metricLabel)])
                .record(0)
            logger.info("no longer watching", metadata: ["kind": "\(kind)"])
            for uid in watcher.informer.store.entries.keys { queue.insert(uid, .delete(uid: uid)) }
        }
        status.setInformersSynced(watchersSynced())
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
            var (kinds, missing) = lookUp(try await client.restMapper())
            if !missing.isEmpty {
                (kinds, missing) = lookUp(try await client.discover())
                for resource in missing.sorted() {
                    logger.warning(
                        "resource is not served by this cluster; skipped", metadata: ["resource": "\(resource)"])
                }
            }
            return kinds
        } catch {
            logger.warning("discovery failed", metadata: ["resources": "\(names.sorted())", "error": "\(error)"])
            return []
        }
    }

    private func mapping(forKind kind: String) async -> ResourceMapping? {
        do {
            if let mapping = try await client.restMapper().mapping(kind: kind) { return mapping }
            // A CRD installed since the last discovery.
            if let mapping = try await client.discover().mapping(kind: kind) { return mapping }
        } catch {
            logger.warning("discovery failed", metadata: ["kind": "\(kind)", "error": "\(error)"])
            return nil
        }
        logger.warning("kind is not served by this cluster; skipped", metadata: ["kind": "\(kind)"])
        return nil
    }

    /// Handles an event of a kind informer: new and changed objects are queued, deleted ones have their
    /// report deleted. Updates that change neither spec, labels nor annotations are ignored (the informer
    /// hashes what a scan sees, ``ContentHashing/scanned``).
    func objectEvent(
        _ event: InformerEvent, mapping: ResourceMapping, informer: Informer, queue: WorkQueue<ScanItem>
    ) async {
        informerMetrics(event, resource: mapping.resource)
        switch event {
        case .added(let object):
            await enqueue(object, mapping: mapping, queue: queue)
        case .updated(let object, let contentChanged):
            guard contentChanged, let uid = object[path: "metadata", "uid"]?.stringValue else { return }
            // Content a finished evaluation already saw needs none, unless another version of the object is
            // still queued or in progress (A → B → A: B would otherwise be reported last).
            let evaluated = runtime.withLock { $0.evaluatedHashes[uid] }
            if let evaluated, evaluated == informer.entry(forKey: uid)?.contentHash, !queue.holds(uid) { return }
            await enqueue(object, mapping: mapping, queue: queue)
        case .deleted(let identity, _):
            guard !identity.uid.isEmpty, configuration.scope.owns(uid: identity.uid) else { return }
            queue.insert(identity.uid, .delete(uid: identity.uid))
        case .resynced:
            Gauge(label: "vigil_informer_synced", dimensions: [("resource", mapping.resource.metricLabel)]).record(1)
        }
    }

    /// Queues an object for evaluation when it is in scope and in this shard; an object out of scope has
    /// its report (if any) deleted.
    /// - Parameter informer: the kind's informer when the object comes from a rescan's list rather than
    ///   from that informer: a listed copy older than what it has seen is read again instead
    ///   (``ScanItem/listed(_:target:informedVersion:)``).
    func enqueue(
        _ listed: JSONValue, mapping: ResourceMapping, queue: WorkQueue<ScanItem>, informer: Informer? = nil
    ) async {
        var object = listed
        if object["kind"] == nil { object["kind"] = .string(mapping.kind) }
        if object["apiVersion"] == nil { object["apiVersion"] = .string(mapping.resource.groupVersion) }
        guard let identity = ObjectIdentity(object: object), !identity.uid.isEmpty,
            configuration.scope.owns(uid: identity.uid)
        else { return }
        guard configuration.scope.includes(kind: mapping.kind, namespace: identity.namespace, name: identity.name)
        else {
            if writer.knownReports[identity.uid] != nil { queue.insert(identity.uid, .delete(uid: identity.uid)) }
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

    private func informerMetrics(_ event: InformerEvent, resource: GroupVersionResource) {
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

    /// Runs `body` until it succeeds, backing off between failures; only cancellation ends it.
    func withRetries<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var backoff = configuration.informerBackoff
        while true {
            do {
                return try await body()
            } catch {
                if error is CancellationError || Task.isCancelled || runtime.withLock({ $0.shuttingDown }) {
                    throw CancellationError()
                }
                logger.warning("\(what) failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: backoff.next())
            }
        }
    }
}

extension GroupVersionResource {
    /// The metric label: `pods`, `deployments.apps`.
    var metricLabel: String { group.isEmpty ? resource : "\(resource).\(group)" }
}
