import JSONValue

/// The informer's view of the objects of one resource: identity and content hash per object, plus the
/// whole object when the informer keeps objects.
///
/// Pure: it turns list results and watch events into ``InformerEvent``s, so it can be tested alone.
public struct InformerStore: Sendable {
    public struct Entry: Sendable, Hashable {
        public var identity: ObjectIdentity
        public var contentHash: String
        /// The object, only when the store keeps objects.
        public var object: JSONValue?
    }

    public let keepsObjects: Bool
    /// What ``Entry/contentHash`` covers.
    public let hashing: ContentHashing
    public private(set) var entries: [String: Entry] = [:]

    public init(keepsObjects: Bool, hashing: ContentHashing = .object) {
        self.keepsObjects = keepsObjects
        self.hashing = hashing
    }

    public var count: Int { entries.count }

    /// Applies an added or modified object; returns the event to report, or `nil` when the object is
    /// already known at this resource version (a replayed event).
    public mutating func upsert(_ object: JSONValue) -> InformerEvent? {
        guard let identity = ObjectIdentity(object: object) else { return nil }
        let hash = hashing.hash(object)
        let entry = Entry(identity: identity, contentHash: hash, object: keepsObjects ? object : JSONValue?.none)
        guard let old = entries[identity.key] else {
            entries[identity.key] = entry
            return .added(object)
        }
        guard old.identity.resourceVersion != identity.resourceVersion || old.contentHash != hash else { return nil }
        entries[identity.key] = entry
        return .updated(object, contentChanged: old.contentHash != hash)
    }

    /// Applies a deleted object; `nil` when it was not known.
    public mutating func remove(_ object: JSONValue) -> InformerEvent? {
        guard let identity = ObjectIdentity(object: object), entries.removeValue(forKey: identity.key) != nil
        else { return nil }
        return .deleted(identity, lastState: object)
    }

    /// A relist in progress: the keys seen so far, to find deletions once the list completes.
    public struct Relist: Sendable {
        var seen: Set<String> = []
    }

    /// Applies one listed object during a relist.
    public mutating func relisted(_ object: JSONValue, into relist: inout Relist) -> InformerEvent? {
        guard let identity = ObjectIdentity(object: object) else { return nil }
        relist.seen.insert(identity.key)
        return upsert(object)
    }

    /// Ends a relist: everything not seen is reported deleted (final state unknown).
    public mutating func finishRelist(_ relist: Relist) -> [InformerEvent] {
        let gone = entries.filter { !relist.seen.contains($0.key) }
        var events: [InformerEvent] = []
        for (key, entry) in gone.sorted(by: { $0.key < $1.key }) {
            entries[key] = nil
            events.append(.deleted(entry.identity, lastState: entry.object))
        }
        return events
    }
}
