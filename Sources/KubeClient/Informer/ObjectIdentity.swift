import JSONValue

/// What an informer remembers about an object in light mode: who it is and what it looked like.
public struct ObjectIdentity: Sendable, Hashable {
    public var uid: String
    /// Empty for cluster-scoped objects.
    public var namespace: String
    public var name: String
    public var resourceVersion: String

    public init(uid: String, namespace: String, name: String, resourceVersion: String) {
        self.uid = uid
        self.namespace = namespace
        self.name = name
        self.resourceVersion = resourceVersion
    }

    /// Reads the identity from an object's metadata; `nil` when it has no name.
    public init?(object: JSONValue) {
        guard let name = object[path: "metadata", "name"]?.stringValue, !name.isEmpty else { return nil }
        self.name = name
        namespace = object[path: "metadata", "namespace"]?.stringValue ?? ""
        uid = object[path: "metadata", "uid"]?.stringValue ?? ""
        resourceVersion = object[path: "metadata", "resourceVersion"]?.stringValue ?? ""
    }

    /// The store key: the UID (a recreated object is a new object), else `namespace/name`.
    public var key: String {
        if !uid.isEmpty { return uid }
        return namespace.isEmpty ? name : "\(namespace)/\(name)"
    }
}

extension JSONValue {
    /// The content hash of a Kubernetes object ignoring what changes on every write without changing
    /// meaning: `metadata.resourceVersion` and `metadata.managedFields`.
    public var objectContentHash: String {
        guard case .object(var object) = self, case .object(var metadata)? = object["metadata"] else {
            return contentHash
        }
        metadata["resourceVersion"] = nil
        metadata["managedFields"] = nil
        object["metadata"] = .object(metadata)
        return JSONValue.object(object).contentHash
    }

    /// The hash of what a policy can see change, as Kyverno's resource hash: labels, annotations, and the
    /// object without `metadata` and `status` (so status, resourceVersion and other metadata-only updates
    /// are equal).
    public var scanContentHash: String {
        guard case .object(var object) = self else { return contentHash }
        let labels = self[path: "metadata", "labels"] ?? .null
        let annotations = self[path: "metadata", "annotations"] ?? .null
        object["metadata"] = nil
        object["status"] = nil
        object["kind"] = nil
        object["apiVersion"] = nil
        return JSONValue.array([labels, annotations, .object(object)]).contentHash
    }
}

/// Which content an informer's hash covers, and so which updates it reports as content changes.
public enum ContentHashing: Sendable, Hashable {
    /// Everything but `metadata.resourceVersion` and `metadata.managedFields` (``JSONValue/objectContentHash``).
    case object
    /// What a policy can see: labels, annotations, and everything outside `metadata` and `status`
    /// (``JSONValue/scanContentHash``).
    case scanned

    /// The hash of `object`.
    public func hash(_ object: JSONValue) -> String {
        switch self {
        case .object: object.objectContentHash
        case .scanned: object.scanContentHash
        }
    }
}
