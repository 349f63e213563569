import JSONValue

/// One stored object: its serialized JSON plus the few fields the store indexes.
///
/// Objects are kept as compact JSON bytes rather than `JSONValue` trees: a typical Pod is about a
/// third of the size that way, and lists and watches write the bytes out without re-serializing.
public struct StoredObject: Sendable {
    public var name: String
    /// Empty for cluster-scoped objects.
    public var namespace: String
    public var uid: String
    public var resourceVersion: Int
    public var labels: [String: String]
    /// The uids named by `metadata.ownerReferences`.
    public var ownerUIDs: [String]
    /// The `apiVersion` the object was written with.
    public var apiVersion: String
    /// The compact JSON text of the object.
    public var bytes: [UInt8]

    /// Indexes a complete object (metadata already filled in by the store).
    init(_ object: JSONValue) {
        let metadata = object["metadata"]
        name = metadata?["name"]?.stringValue ?? ""
        namespace = metadata?["namespace"]?.stringValue ?? ""
        uid = metadata?["uid"]?.stringValue ?? ""
        resourceVersion = metadata?["resourceVersion"]?.stringValue.flatMap { Int($0) } ?? 0
        var labels: [String: String] = [:]
        for (key, value) in metadata?["labels"]?.objectValue ?? [:] {
            if let text = value.stringValue { labels[key] = text }
        }
        self.labels = labels
        ownerUIDs = metadata?["ownerReferences"]?.arrayValue?.compactMap { $0["uid"]?.stringValue } ?? []
        apiVersion = object["apiVersion"]?.stringValue ?? ""
        bytes = object.serializedBytes()
    }

    /// The same object with another `metadata.resourceVersion`.
    func withResourceVersion(_ revision: Int) -> StoredObject {
        var document = self.document
        document["metadata"]?["resourceVersion"] = .string(String(revision))
        return StoredObject(document)
    }

    /// `namespace/name` or `name`: the key objects are ordered by in lists.
    var key: String { Self.key(namespace: namespace, name: name) }

    static func key(namespace: String, name: String) -> String {
        namespace.isEmpty ? name : "\(namespace)/\(name)"
    }

    /// The parsed document. Stored bytes always parse; a failure would be a store bug.
    public var document: JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            preconditionFailure("stored object \(key) is not valid JSON: \(error)")
        }
    }
}

/// A change to one object, kept in the watch cache window and sent to watchers.
public struct WatchEvent: Sendable {
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    public var type: EventType
    /// The object after the change (for `DELETED`, its last state with the deletion's resourceVersion).
    public var object: StoredObject
    /// The object before the change (`nil` for `ADDED`).
    public var previous: StoredObject?

    public var resourceVersion: Int { object.resourceVersion }
}
