import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyReports
import Synchronization

/// Writes reports, and only when their content changed: it remembers the content hash and resource
/// version of every report it knows (seeded from the cluster at start and at every resync), so an
/// unchanged report costs no request. Conflicts are retried from a fresh read.
///
/// A seed lists reports while workers go on writing: a report written or deleted after the listing began
/// keeps what the write left (the listing may predate it), so a stale listing never makes a later write of
/// the stale content look unchanged.
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
    /// The known reports, and for every seed in progress the names written or deleted since it began.
    private struct State {
        var known: [String: Known] = [:]
        var seeds: [UInt64: Set<String>] = [:]
        var nextSeed: UInt64 = 0

        mutating func set(_ name: String, _ value: Known?) {
            known[name] = value
            for id in seeds.keys { seeds[id]?.insert(name) }
        }
    }

    /// A seed in progress (``beginSeed()``).
    struct Seed: Sendable {
        fileprivate let id: UInt64
    }

    private let state = Mutex(State())
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
    var knownReports: [String: String] { state.withLock { $0.known.mapValues(\.namespace) } }

    /// Lists Vigil's reports (paged) and remembers their hashes, replacing what was known: the cluster's
    /// current reports become the baseline, except those this writer wrote or deleted meanwhile. `keep`
    /// decides which reports this replica is responsible for.
    func seed(keep: (String) -> Bool) async throws {
        let seed = beginSeed()
        do {
            finishSeed(seed, with: try await listReports(keep: keep))
        } catch {
            finishSeed(seed, with: nil)
            throw error
        }
    }

    /// Starts recording the reports written or deleted from now on, for ``finishSeed(_:with:)``.
    func beginSeed() -> Seed {
        state.withLock { state in
            let id = state.nextSeed
            state.nextSeed += 1
            state.seeds[id] = []
            return Seed(id: id)
        }
    }

    /// Replaces what was known with `listed` (nil: keeps it, the seed failed), keeping for every report
    /// written or deleted since `seed` began what that write left.
    func finishSeed(_ seed: Seed, with listed: [String: Known]?) {
        state.withLock { state in
            guard let touched = state.seeds.removeValue(forKey: seed.id), var listed else { return }
            for name in touched { listed[name] = state.known[name] }
            // Names other seeds recorded stay recorded: their listings may be older still.
            state.known = listed
        }
    }

    /// Vigil's reports as the cluster holds them now, paged.
    func listReports(keep: (String) -> Bool) async throws -> [String: Known] {
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
        return seeded
    }

    /// Makes the cluster hold `report`: creates it, updates it, or does nothing when the content is the
    /// same as the known report's.
    /// - Throws: ``KubeAPIError`` or a transport error when the write fails (the caller retries later).
    @discardableResult
    func write(_ report: PolicyReport) async throws -> Operation {
        let hash = report.contentHash
        let resource = report.subject.isNamespaced ? namespaced : cluster
        let namespace: String? = report.subject.isNamespaced ? report.namespace : nil
        var current = state.withLock { $0.known[report.name] }
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
                state.withLock { $0.set(report.name, current) }
            }
        }
    }

    /// Deletes the report of a resource, if one is known.
    /// - Throws: when the delete fails for another reason than the report being gone already.
    func delete(uid: String) async throws {
        guard let existing = state.withLock({ $0.known[uid] }) else { return }
        do {
            try await client.delete(
                existing.namespace.isEmpty ? cluster : namespaced,
                namespace: existing.namespace.isEmpty ? nil : existing.namespace, name: uid)
            record(.delete)
        } catch let error as KubeAPIError where error.reason == .notFound {
            // Gone already (garbage-collected with its resource).
        }
        state.withLock { $0.set(uid, nil) }
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
        state.withLock { $0.set(name, Known(hash: hash, resourceVersion: version, namespace: namespace)) }
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
