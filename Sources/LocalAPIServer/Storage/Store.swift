import Foundation
import JSONValue
import Synchronization

/// The in-memory object store: every object of every resource, one global resourceVersion counter, the
/// registry of servable kinds, and per-resource watch caches.
///
/// All state sits behind one `Mutex`. Each operation holds it for the time it takes to index or copy a
/// few object references (serialization of responses happens outside the lock), which keeps the store
/// linearizable: a watch registered at revision R sees exactly the events after R.
public final class Store: Sendable {
    let state: Mutex<StoreState>

    /// Creates a store with the built-in kinds and the initial namespaces.
    /// - Parameter watchCacheCapacity: how many recent events of each resource are kept for watches and
    ///   continue tokens from older resourceVersions.
    public init(watchCacheCapacity: Int = 10_000) {
        state = Mutex(StoreState(capacity: watchCacheCapacity))
        let namespaces = ResourceInfo(
            group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false)
        for name in BuiltinResources.initialNamespaces {
            let object: JSONValue = [
                "apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)],
                "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
            ]
            do {
                _ = try create(namespaces, object: object)
            } catch {
                preconditionFailure("creating the initial namespace \(name) failed: \(error)")
            }
        }
    }

    /// The kinds this store serves right now.
    public var registry: ResourceRegistry { state.withLock { $0.registry } }

    /// The newest resourceVersion handed out.
    public var currentRevision: Int { state.withLock { $0.revision } }

    /// How many objects of a resource are stored.
    public func count(of resource: GroupResource) -> Int {
        state.withLock { $0.tables[resource]?.objects.count ?? 0 }
    }

    /// Reads one object.
    /// - Throws: ``StatusError`` 404 when it does not exist.
    public func get(_ info: ResourceInfo, namespace: String, name: String) throws(StatusError) -> StoredObject {
        let key = StoredObject.key(namespace: info.namespaced ? namespace : "", name: name)
        guard let object = state.withLock({ $0.tables[info.groupResource]?.objects[key] }) else {
            throw StatusError.notFound(info.groupResource, name)
        }
        return object
    }

    /// Which state a list reads.
    public enum ListSource: Sendable, Equatable {
        /// The newest state.
        case current
        /// The state at exactly this resourceVersion (410 when it left the watch cache window).
        case exact(Int)
        /// The next page of an earlier list.
        case continuing(ContinueToken)
    }

    /// One page (or all) of a list.
    public struct ListResult: Sendable {
        public var items: [StoredObject]
        public var resourceVersion: Int
        public var continueToken: String?
        public var remainingItemCount: Int?
    }

    /// Lists objects of a resource.
    ///
    /// With a `limit`, pages are served from the snapshot of the first page: later writes do not show up in
    /// later pages, reconstructed from the watch cache window.
    /// - Throws: ``StatusError`` 410 `Expired` when the snapshot left the window, 504 for a resourceVersion
    ///   newer than the store's.
    public func list(
        _ info: ResourceInfo, filter: ObjectFilter, source: ListSource, limit: Int?
    ) throws(StatusError) -> ListResult {
        try state.withLock { state throws(StatusError) -> ListResult in
            let table = state.tables[info.groupResource] ?? ResourceTable(capacity: 1)
            var revision = state.revision
            var startAfter: String?
            var inconsistent = false
            switch source {
            case .current: break
            case .exact(let requested):
                if requested > state.revision {
                    throw StatusError.tooLargeResourceVersion(requested, current: state.revision)
                }
                revision = requested
            case .continuing(let token):
                startAfter = token.lastKey
                if token.resourceVersion == -1 {
                    inconsistent = true
                } else {
                    revision = token.resourceVersion
                }
            }
            var pastStates: [String: StoredObject?] = [:]
            if revision < state.revision, !inconsistent {
                guard let states = table.cache.statesBefore(revision: revision) else {
                    if case .continuing(let token) = source {
                        var error = StatusError.expired(Self.expiredContinueMessage)
                        error.continueToken = ContinueToken(resourceVersion: -1, lastKey: token.lastKey).encoded
                        throw error
                    }
                    throw StatusError.expired(
                        "too old resource version: \(revision) (\(table.cache.compactedRevision + 1))")
                }
                pastStates = states
            }
            return Self.page(
                table, revision: revision, pastStates: pastStates, filter: filter, startAfter: startAfter, limit: limit)
        }
    }

    static let expiredContinueMessage =
        "The provided continue parameter is too old to display a consistent list result. You can start a new "
        + "list without the continue parameter, or use the continue token in this response to retrieve the "
        + "remainder of the results. Continuing with the provided token results in an inconsistent list - "
        + "objects that were created, modified, or deleted between the time the first chunk was returned and "
        + "now may show up in the list."

    /// Walks the sorted keys (merged with keys whose state at `revision` differs from now) after `startAfter`.
    private static func page(
        _ table: ResourceTable, revision: Int, pastStates: [String: StoredObject?], filter: ObjectFilter,
        startAfter: String?, limit: Int?
    ) -> ListResult {
        let prefix = filter.namespace.map { $0 + "/" } ?? ""
        var index: Int
        if let startAfter, startAfter >= prefix {
            index = table.lowerBound(startAfter)
            if index < table.sortedKeys.count, table.sortedKeys[index] == startAfter { index += 1 }
        } else {
            index = table.lowerBound(prefix)
        }
        let pastKeys = pastStates.compactMap { key, state -> String? in
            guard state != nil, key.hasPrefix(prefix) else { return nil }
            if let startAfter, key <= startAfter { return nil }
            return key
        }.sorted()
        var pastIndex = 0
        var items: [StoredObject] = []
        var lastKey: String?
        let capacity = limit ?? Int.max
        // Yields the next key in order with the object as of `revision`, or nil at the end.
        func next() -> (String, StoredObject)? {
            while true {
                let current = index < table.sortedKeys.count ? table.sortedKeys[index] : nil
                if let current, !current.hasPrefix(prefix) { index = table.sortedKeys.count; continue }
                let past = pastIndex < pastKeys.count ? pastKeys[pastIndex] : nil
                if let past, current.map({ past <= $0 }) ?? true {
                    pastIndex += 1
                    if past == current { index += 1 }
                    if let object = pastStates[past] ?? nil { return (past, object) }
                    continue
                }
                guard let current else { return nil }
                index += 1
                if pastStates[current] != nil { continue }
                guard let object = table.objects[current] else { continue }
                return (current, object)
            }
        }
        while items.count < capacity, let entry = next() {
            let (key, object) = entry
            lastKey = key
            if filter.hasSelectors ? filter.matches(object) : true { items.append(object) }
        }
        var remaining = 0
        var more = false
        if limit != nil, items.count >= capacity {
            if filter.hasSelectors {
                more = next() != nil
            } else if pastStates.isEmpty {
                // Keys in a namespace are `<ns>/<name>`; `<ns>0` sorts right after all of them.
                let end = filter.namespace.map { table.lowerBound($0 + "0") } ?? table.sortedKeys.count
                remaining = max(0, end - index)
                more = remaining > 0
            } else {
                while next() != nil { remaining += 1 }
                more = remaining > 0
            }
        }
        var result = ListResult(items: items, resourceVersion: revision)
        if more, let lastKey {
            result.continueToken = ContinueToken(resourceVersion: revision, lastKey: lastKey).encoded
            if !filter.hasSelectors { result.remainingItemCount = remaining }
        }
        return result
    }
}

/// Identifies one stored object across resources (for ownership and uid lookups).
struct ObjectLocation: Sendable, Hashable {
    var resource: GroupResource
    var key: String
}

/// Everything the store's mutex protects.
struct StoreState: Sendable {
    var registry = ResourceRegistry()
    var tables: [GroupResource: ResourceTable] = [:]
    var revision = 0
    let capacity: Int
    /// uid → where the object lives.
    var locations: [String: ObjectLocation] = [:]
    /// owner uid → the objects whose ownerReferences name it.
    var dependents: [String: Set<ObjectLocation>] = [:]
    var nextWatcherID = 1

    init(capacity: Int) {
        self.capacity = capacity
    }

    func table(_ resource: GroupResource) -> ResourceTable {
        tables[resource] ?? ResourceTable(capacity: capacity)
    }
}
