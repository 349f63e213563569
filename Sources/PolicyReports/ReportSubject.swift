public import JSONValue

/// The resource a report is about: what `scope` and the ownerReference name.
public struct ReportSubject: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    /// Empty for a cluster-scoped resource.
    public var namespace: String
    public var uid: String

    public init(apiVersion: String, kind: String, name: String, namespace: String, uid: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
    }

    /// Reads the subject from an object (`apiVersion`, `kind`, `metadata.name/namespace/uid`); `nil` when
    /// the object lacks a kind, a name or a UID (a report is named by the UID).
    public init?(object: JSONValue) {
        guard let kind = object["kind"]?.stringValue, !kind.isEmpty,
            let name = object[path: "metadata", "name"]?.stringValue, !name.isEmpty,
            let uid = object[path: "metadata", "uid"]?.stringValue, !uid.isEmpty
        else { return nil }
        self.init(
            apiVersion: object["apiVersion"]?.stringValue ?? "v1", kind: kind, name: name,
            namespace: object[path: "metadata", "namespace"]?.stringValue ?? "", uid: uid)
    }

    /// Reads an object reference (`scope`); `nil` without kind, name and UID.
    init?(reference: JSONValue) {
        guard let kind = reference["kind"]?.stringValue, !kind.isEmpty,
            let name = reference["name"]?.stringValue, !name.isEmpty,
            let uid = reference["uid"]?.stringValue, !uid.isEmpty
        else { return nil }
        self.init(
            apiVersion: reference["apiVersion"]?.stringValue ?? "v1", kind: kind, name: name,
            namespace: reference["namespace"]?.stringValue ?? "", uid: uid)
    }

    /// Whether the resource lives in a namespace (its report is then namespaced too).
    public var isNamespaced: Bool { !namespace.isEmpty }

    /// The `scope` object reference.
    var scope: JSONValue {
        var object: JSONObject = ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name)]
        if isNamespaced { object["namespace"] = .string(namespace) }
        object["uid"] = .string(uid)
        return .object(object)
    }

    /// The ownerReference (no `controller`, no `blockOwnerDeletion`, as Kyverno writes it).
    var ownerReference: JSONValue {
        ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name), "uid": .string(uid)]
    }
}
