import Failures
public import JSONValue
public import PolicyEngine
import Synchronization

/// The data of every `GlobalContextEntry` the controller keeps, read by `globalReference` context entries.
///
/// Writers are the entry's informer (`kubernetesResource`) or its refresh loop (`apiCall`); readers are
/// rule evaluations. A reference is an entry's name, or `<entry>.<projection>` for one of its named
/// `projections` (JMESPath views computed once per data change, not once per lookup).
public final class GlobalContextStore: Sendable {
    /// One entry's state.
    public struct Entry: Sendable {
        /// The entry's data: the objects of a `kubernetesResource`, the answer of an `apiCall`; `nil` until
        /// the first list or call succeeds.
        public var data: JSONValue?
        /// Why the entry has no data (its last list or call failed after its retries); `nil` while it is
        /// still loading or when it is ready.
        public var failure: String?
        /// The projections' values, by name.
        public var projections: [String: JSONValue] = [:]
        /// The projection definitions: name and JMESPath.
        public var projectionPaths: [(name: String, jmesPath: String)] = []

        /// Whether rules can read the entry.
        public var isReady: Bool { data != nil && failure == nil }
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let queries: QueryEngine

    /// - Parameter queries: the JMESPath engine that computes projections.
    public init(queries: QueryEngine) {
        self.queries = queries
    }

    /// The names of the entries and whether each is ready.
    public var readiness: [String: Bool] {
        entries.withLock { $0.mapValues(\.isReady) }
    }

    /// Declares an entry (or redeclares it with new projections) before its data arrives.
    public func declare(_ name: String, projections: [(name: String, jmesPath: String)]) {
        entries.withLock { entries in
            var entry = Entry()
            entry.projectionPaths = projections
            entries[name] = entry
        }
    }

    /// Removes an entry (the GlobalContextEntry was deleted).
    public func remove(_ name: String) {
        _ = entries.withLock { $0.removeValue(forKey: name) }
    }

    /// Stores new data for a declared entry and computes its projections.
    ///
    /// - Returns: whether the entry became ready with this data (it was not before).
    @discardableResult
    public func update(_ name: String, data: JSONValue) -> Bool {
        let paths = entries.withLock { $0[name]?.projectionPaths }
        guard let paths else { return false }
        var projected: [String: JSONValue] = [:]
        var failure: String?
        for projection in paths {
            do {
                projected[projection.name] = try queries.evaluate(projection.jmesPath, on: data)
            } catch {
                failure = "projection \(projection.name) (\(projection.jmesPath)) failed: \(error.message)"
            }
        }
        return entries.withLock { entries in
            guard var entry = entries[name] else { return false }
            let wasReady = entry.isReady
            entry.data = data
            entry.projections = projected
            entry.failure = failure
            entries[name] = entry
            return !wasReady && entry.isReady
        }
    }

    /// Marks a declared entry as failed (its list or call kept failing); rules reading it get `error`.
    public func fail(_ name: String, reason: String) {
        entries.withLock { entries in
            guard var entry = entries[name] else { return }
            entry.failure = reason
            entries[name] = entry
        }
    }

    /// The state of one entry.
    public func entry(_ name: String) -> Entry? {
        entries.withLock { $0[name] }
    }

    /// The data a `globalReference` names: an entry's data, or one of its projections (`<entry>.<projection>`).
    ///
    /// - Throws: ``ContextProviderError`` with kind `not-found` (no such entry or projection) or `not-ready`
    ///   (the entry has no data yet, or its last refresh failed); the message names the entry.
    public func data(reference: String) throws(ContextProviderError) -> JSONValue {
        let (entry, projection): (Entry?, String?) = entries.withLock { entries in
            if let entry = entries[reference] { return (entry, nil) }
            if let dot = reference.lastIndex(of: "."), let entry = entries[String(reference[..<dot])] {
                return (entry, String(reference[reference.index(after: dot)...]))
            }
            return (nil, nil)
        }
        guard let entry else {
            throw ContextProviderError(.notFound, "global context entry \(reference) not found")
        }
        guard let data = entry.data, entry.failure == nil else {
            let reason = entry.failure.map { ": \($0)" } ?? " (its data has not been loaded yet)"
            throw ContextProviderError(.notReady, "global context entry \(reference) is not ready\(reason)")
        }
        guard let projection else { return data }
        guard let value = entry.projections[projection] else {
            throw ContextProviderError(
                .notFound, "global context entry \(reference): no projection named \(projection)")
        }
        return value
    }
}
