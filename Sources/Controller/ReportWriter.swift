import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyReports
import Synchronization

/// Writes reports, and only when their content changed: it remembers the content hash and resource
/// version of every report it knows (seeded from the cluster at start), so an unchanged report costs no
/// request. Conflicts are retried from a fresh read.
public final class ReportWriter: Sendable {
    /// What one write did.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case create
        case update
        case delete
        case skippedUnchanged = "skipped_unchanged"
    }

    struct Known: Sendable, Hashable {
        var hash: String
        var resourceVersion: String
        var namespace: String
    }

    let api: ReportAPI
    let namespaced: GroupVersionResource
    let cluster: GroupVersionResource
    private let client: KubeClient
    private let logger: Logger
    private let known = Mutex<[String: Known]>([:])
    private let counts = Mutex<[Operation: Int]>([:])
    private let conflicts = Atomic<Int>(0)
    private let conflictCounter = Counter(label: "vigil_report_write_conflicts_total")
    static let maximumConflictRetries = 5

    init(client: KubeClient, api: ReportAPI, logger: Logger) {
        self.client = client
        self.api = api
        self.logger = logger
        namespaced = GroupVersionResource(group: api.group, version: api.version, resource: api.namespacedResource)
        cluster = GroupVersionResource(group: api.group, version: api.version, resource: api.clusterResource)
    }

    /// Writes per operation since start.
    var operations: [Operation: Int] { counts.withLock { $0 } }

    /// Conflicts met since start.
    var conflictCount: Int { conflicts.load(ordering: .relaxed) }

    /// The UIDs of the reports known to exist, with their namespaces.
    var knownReports: [String: String] { known.withLock { $0.mapValues(\.namespace) } }

    /// Lists Vigil's reports (paged) and remembers their hashes, replacing what was known: the cluster's
    /// current reports become the baseline. `keep` decides which reports this replica is responsible for.
    func seed(keep: (String) -> Bool) async throws {
        var seeded: [String: Known] = [:]
        for resource in [namespaced, cluster] {
            try await client.listPages(
                resource, options: ListOptions(labelSelector: PolicyReport.managedBySelector)
            ) { page, restarted in
                if restarted { seeded = seeded.filter { $0.value.namespace.isEmpty != (resource == cluster) } }
                for document in page.items {
                    guard let name = document[path: "metadata", "name"]?.stringValue, keep(name) else { continue }
                    seeded[name] = Known(
                        hash: PolicyReport.contentHash(ofDocument: document) ?? "unreadable",
                        resourceVersion: document[path: "metadata", "resourceVersion"]?.stringValue ?? "",
                        namespace: document[path: "metadata", "namespace"]?.stringValue ?? "")
                }
            }
        }
        known.withLock { $0 = seeded }
    }

    /// Makes the cluster hold `report`: creates it, updates it, or does nothing when the content is the
    /// same as the known report's.
    /// - Throws: ``KubeAPIError`` or a transport error when the write fails (the caller retries later).
    @discardableResult
    func write(_ report: PolicyReport) async throws -> Operation {
        let hash = report.contentHash
        let resource = report.subject.isNamespaced ? namespaced : cluster
        let namespace: String? = report.subject.isNamespaced ? report.namespace : nil
        var current = known.withLock { $0[report.name] }
        var attempt = 0
        while true {
            if let current, current.hash == hash { return record(.skippedUnchanged) }
            do {
                if let existing = current {
                    var document = report.document
                    document["metadata"]?["resourceVersion"] = .string(existing.resourceVersion)
                    let written = try await client.update(resource, namespace: namespace, object: document)
                    remember(report.name, hash, written, report.namespace)
                    return record(.update)
                } else {
                    let written = try await client.create(resource, namespace: namespace, object: report.document)
                    remember(report.name, hash, written, report.namespace)
                    return record(.create)
                }
            } catch let error as KubeAPIError
                where error.reason == .conflict || error.reason == .alreadyExists || error.reason == .notFound
            {
                attempt += 1
                if error.reason != .notFound {
                    conflicts.add(1, ordering: .relaxed)
                    conflictCounter.increment()
                }
                guard attempt <= Self.maximumConflictRetries else { throw error }
                // Start again from what the cluster holds now.
                current = try await fresh(report.name, resource: resource, namespace: namespace)
                known.withLock { $0[report.name] = current }
            }
        }
    }

    /// Deletes the report of a resource, if one is known.
    /// - Throws: when the delete fails for another reason than the report being gone already.
    func delete(uid: String) async throws {
        guard let existing = known.withLock({ $0[uid] }) else { return }
        do {
            try await client.delete(
                existing.namespace.isEmpty ? cluster : namespaced,
                namespace: existing.namespace.isEmpty ? nil : existing.namespace, name: uid)
            record(.delete)
        } catch let error as KubeAPIError where error.reason == .notFound {
            // Gone already (garbage-collected with its resource).
        }
        _ = known.withLock { $0.removeValue(forKey: uid) }
    }

    private func fresh(_ name: String, resource: GroupVersionResource, namespace: String?) async throws -> Known? {
        do {
            let document = try await client.get(resource, namespace: namespace, name: name)
            return Known(
                hash: PolicyReport.contentHash(ofDocument: document) ?? "unreadable",
                resourceVersion: document[path: "metadata", "resourceVersion"]?.stringValue ?? "",
                namespace: namespace ?? "")
        } catch let error as KubeAPIError where error.reason == .notFound {
            return nil
        }
    }

    private func remember(_ name: String, _ hash: String, _ written: JSONValue, _ namespace: String) {
        let version = written[path: "metadata", "resourceVersion"]?.stringValue ?? ""
        known.withLock { $0[name] = Known(hash: hash, resourceVersion: version, namespace: namespace) }
    }

    @discardableResult
    private func record(_ operation: Operation) -> Operation {
        counts.withLock { $0[operation, default: 0] += 1 }
        Counter(label: "vigil_report_writes_total", dimensions: [("operation", operation.rawValue)]).increment()
        if operation != .skippedUnchanged {
            logger.trace("report write", metadata: ["operation": "\(operation.rawValue)"])
        }
        return operation
    }
}
