import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyEngine
import Synchronization

extension PolicySources {
    /// Starts the GlobalContextEntry watcher in `group` when the cluster serves the CRD, and waits (at most
    /// ``ReportsController/Configuration/globalContextWait``) for every entry's first load.
    ///
    /// - Returns: `false` when shutdown began while waiting.
    func startGlobalContext(
        _ mapper: RESTMapper, in group: inout ThrowingDiscardingTaskGroup<any Error>
    ) async throws -> Bool {
        let configuration = context.configuration
        guard configuration.watchesGlobalContextEntries else { return true }
        guard let mapping = mapper.mapping(kind: "GlobalContextEntry", group: "kyverno.io") else {
            context.logger.info(
                "kyverno.io GlobalContextEntries are not served by this cluster; globalReference entries fail")
            return true
        }
        let watcher = GlobalContextWatcher(
            client: context.client, store: context.globalContext, services: context.services,
            settings: GlobalContextWatcher.Settings(
                resource: mapping.resource, pageSize: configuration.pageSize,
                minimumWatchTimeout: configuration.minimumWatchTimeout, backoff: configuration.informerBackoff),
            logger: context.logger
        ) { name, becameReady in
            self.globalContextChanged(name, becameReady: becameReady)
        }
        setGlobalContextWatcher(watcher)
        group.addTask { try await watcher.run() }
        // Until the loads are done, the wait is over, or shutdown begins.
        let shutdown = context.shutdown
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.waitForInitialLoads() }
            group.addTask { try? await Task.sleep(for: configuration.globalContextWait) }
            group.addTask { await shutdown.wait() }
            await group.next()
            group.cancelAll()
        }
        if context.isStopping { return false }
        reportPoliciesWaitingForGlobalContext(entry: nil)
        return true
    }

    /// An entry appeared, went away, failed or became ready: log and count the policies that wait for an
    /// entry, and when `name` became ready, evaluate the kinds its policies match again.
    func globalContextChanged(_ name: String, becameReady: Bool) {
        let readiness = context.globalContext.readiness
        Gauge(label: "vigil_global_context_entries", dimensions: [("state", "ready")])
            .record(readiness.values.filter { $0 }.count)
        Gauge(label: "vigil_global_context_entries", dimensions: [("state", "not_ready")])
            .record(readiness.values.filter { !$0 }.count)
        // An entry still loading its first data is not worth a warning: the first scan waits for it.
        let loading = context.globalContext.entry(name).map { $0.data == nil && $0.failure == nil } ?? false
        reportPoliciesWaitingForGlobalContext(entry: name, logs: !loading)
        guard becameReady else { return }
        var kinds: Set<String> = []
        for entry in context.policies.entries.values {
            guard let compiled = entry.compiled,
                GlobalContextReferences.entries(in: compiled.policy.document).contains(where: {
                    $0 == name || $0.hasPrefix(name + ".")
                })
            else { continue }
            kinds.formUnion(entry.kinds)
        }
        let watched = kindInformers.kinds
        let affected = kinds.contains("*") ? watched : kinds.intersection(watched)
        guard !affected.isEmpty else { return }
        context.logger.info(
            "global context entry ready: evaluating its policies' resources again",
            metadata: ["entry": "\(name)", "kinds": "\(affected.sorted().joined(separator: ","))"])
        term.rescans.send(RescanRequest(kinds: affected))
    }

    /// Logs each policy that reads a missing or not-ready entry (those reading `entry`, or all when `nil`;
    /// none when `logs` is false) and records `vigil_policies_not_ready{reason="global-context"}`.
    func reportPoliciesWaitingForGlobalContext(entry changed: String?, logs: Bool = true) {
        let readiness = context.globalContext.readiness
        var waiting = 0
        for (key, entry) in context.policies.entries.sorted(by: { $0.key < $1.key }) {
            guard let compiled = entry.compiled else { continue }
            let referenced = GlobalContextReferences.entries(in: compiled.policy.document)
            let missing = referenced.filter { !GlobalContextReferences.isReady($0, readiness) }.sorted()
            guard !missing.isEmpty else { continue }
            waiting += 1
            let concerned =
                changed.map { name in referenced.contains { $0 == name || $0.hasPrefix(name + ".") } } ?? true
            guard logs, concerned else { continue }
            context.logger.warning(
                "policy not ready: it reads a global context entry that is missing or not ready",
                metadata: ["policy": "\(key)", "entries": "\(missing.joined(separator: ","))"])
        }
        Gauge(label: "vigil_policies_not_ready", dimensions: [("reason", "global-context")]).record(waiting)
    }
}

/// The GlobalContextEntries a policy document reads through `globalReference` context entries.
enum GlobalContextReferences {
    /// Whether the entry a reference names (`<entry>` or `<entry>.<projection>`) is ready.
    static func isReady(_ reference: String, _ readiness: [String: Bool]) -> Bool {
        if let ready = readiness[reference] { return ready }
        guard let dot = reference.lastIndex(of: ".") else { return false }
        return readiness[String(reference[..<dot])] ?? false
    }

    /// The `globalReference.name` values (entry names, or `<entry>.<projection>`).
    static func entries(in document: JSONValue) -> Set<String> {
        var names: Set<String> = []
        collect(document, into: &names)
        return names
    }

    private static func collect(_ value: JSONValue, into names: inout Set<String>) {
        switch value {
        case .object(let object):
            if let name = object["globalReference"]?["name"]?.stringValue {
                names.insert(name)
            }
            for (_, child) in object { collect(child, into: &names) }
        case .array(let items):
            for item in items { collect(item, into: &names) }
        default:
            break
        }
    }
}
