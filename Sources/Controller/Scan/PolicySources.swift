import JSONValue
import KubeClient
import Logging
import PolicyEngine
import ServiceLifecycle
import Synchronization

/// What the scan evaluates with, kept current: a `Service` of the leadership term.
///
/// It loads the file policies, runs the informers of the policy kinds the cluster serves (ClusterPolicy,
/// Policy, the CEL kinds, admission policies and bindings, PolicyExceptions), of Namespaces (labels for
/// namespace selectors, objects for CEL) and of GlobalContextEntries, and turns their changes into rescan
/// requests. It is ready (``waitUntilReady()``) once the policies are listed and the GlobalContextEntries'
/// first loads are done (or ``ReportsController/Configuration/globalContextWait`` passed).
final class PolicySources: Service, Sendable {
    static let namespacesResource = GroupVersionResource(group: "", version: "v1", resource: "namespaces")

    /// The policies.kyverno.io kinds watched when the cluster serves them.
    static let celPolicyKinds = ["ValidatingPolicy", "NamespacedValidatingPolicy", "PolicyException"]

    /// The Kubernetes admission policy kinds watched when the cluster serves them
    /// (admissionregistration.k8s.io).
    static let admissionPolicyKinds = ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]

    let term: TermContext
    let kindInformers: KindInformers
    var context: ScanContext { term.scan }
    private let globalContextWatcher = Mutex<GlobalContextWatcher?>(nil)
    private let ready = Latch()

    init(term: TermContext, kindInformers: KindInformers) {
        self.term = term
        self.kindInformers = kindInformers
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    try await self.start(in: &group)
                }
            }
        } catch is CancellationError {
            // The term is ending.
        }
        await ScanTerm.awaitOwnShutdown()
    }

    /// Waits until the policies are listed and the GlobalContextEntries loaded; false when shutdown began
    /// or the task was cancelled first.
    func waitUntilReady() async -> Bool {
        _ = await context.shutdown.unlessFired { await self.ready.wait() }
        return ready.hasFired && !context.isStopping
    }

    /// Counters of the GlobalContextEntry loaders.
    var globalContextStatistics: GlobalContextWatcher.Statistics? {
        globalContextWatcher.withLock { $0 }?.statistics
    }

    func setGlobalContextWatcher(_ watcher: GlobalContextWatcher) {
        globalContextWatcher.withLock { $0 = watcher }
    }

    private func start(in group: inout ThrowingDiscardingTaskGroup<any Error>) async throws {
        loadFilePolicies()
        let mapper = try await context.withRetries("discovery") { try await self.context.client.restMapper() }
        var informers: [Informer] = []
        if context.configuration.watchesClusterPolicies {
            for (kind, mapping) in watchedPolicyKinds(mapper) {
                let informer = context.makeInformer(mapping.resource, kind: kind)
                informers.append(informer)
                group.addTask {
                    try await informer.run { event in self.policyEvent(event, kind: kind, mapping: mapping) }
                }
            }
        }
        let namespaceInformer = context.makeInformer(Self.namespacesResource, kind: "Namespace")
        informers.append(namespaceInformer)
        group.addTask { try await namespaceInformer.run { event in self.namespaceEvent(event) } }
        let sourceInformers = informers
        guard await context.waitUntilSyncedOrForbidden({ sourceInformers }) else { return }
        guard try await startGlobalContext(mapper, in: &group) else { return }
        ready.fire()
    }

    private func loadFilePolicies() {
        let policies = context.policies
        for (index, document) in context.configuration.policyDocuments.enumerated() {
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
    }

    /// The policy kinds to watch, as the cluster serves them. The CEL kinds only where served (their absence
    /// holds nothing back); kyverno.io PolicyExceptions only when they can apply (Kyverno does not watch them
    /// otherwise).
    private func watchedPolicyKinds(_ mapper: RESTMapper) -> [(String, ResourceMapping)] {
        let exceptions = context.configuration.policyExceptions
        let kinds =
            [("ClusterPolicy", "kyverno.io"), ("Policy", "kyverno.io")]
            + (exceptions.enabled && !exceptions.namespace.isEmpty ? [("PolicyException", "kyverno.io")] : [])
            + Self.celPolicyKinds.map { ($0, "policies.kyverno.io") }
            + Self.admissionPolicyKinds.map { ($0, "admissionregistration.k8s.io") }
        return kinds.compactMap { kind, apiGroup in
            if let mapping = mapper.mapping(kind: kind, group: apiGroup) { return (kind, mapping) }
            if apiGroup == "kyverno.io" && kind != "PolicyException" {
                context.logger.warning(
                    "kyverno.io policies are not served by this cluster; using file policies only",
                    metadata: ["kind": "\(kind)"])
            } else {
                context.logger.info(
                    "policy kind not served by this cluster; not watched",
                    metadata: ["kind": "\(kind)", "group": "\(apiGroup)"])
            }
            return nil
        }
    }

    private func policyEvent(_ event: InformerEvent, kind: String, mapping: ResourceMapping) {
        InformerMetrics.record(event, resource: mapping.resource)
        let policies = context.policies
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
        term.rescans.send(RescanRequest(kinds: affected.kinds, resources: affected.resources, reconcile: true))
    }

    private func namespaceEvent(_ event: InformerEvent) {
        InformerMetrics.record(event, resource: Self.namespacesResource)
        switch event {
        case .added(let object), .updated(let object, _):
            guard let name = object[path: "metadata", "name"]?.stringValue, context.namespaces.set(object: object)
            else { return }
            // Rules with a namespaceSelector may match differently now, CEL policies may read other
            // annotations: evaluate that namespace again.
            if case .updated = event { term.rescans.send(RescanRequest(kinds: kindInformers.kinds, namespace: name)) }
        case .deleted(let identity, _):
            context.namespaces.remove(identity.name)
        case .resynced:
            break
        }
    }
}
