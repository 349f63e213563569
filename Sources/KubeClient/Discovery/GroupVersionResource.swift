import JSONValue
import KubeValues

/// A resource addressed as the API addresses it: group, version and plural resource name.
public struct GroupVersionResource: Sendable, Hashable, CustomStringConvertible {
    /// The API group; empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    /// The plural resource name, as discovery reports it (`pods`, `policyreports`).
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    /// `group/version`, or just `version` for the core group.
    public var groupVersion: String { APIVersion.join(group: group, version: version) }

    public var description: String { group.isEmpty ? "\(resource).\(version)" : "\(resource).\(version).\(group)" }
}

/// A kind as the API names it in `apiVersion` and `kind`.
public struct GroupVersionKind: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// Splits an `apiVersion` (`apps/v1`, `v1`) and pairs it with `kind`.
    public init(apiVersion: String, kind: String) {
        (group, version) = APIVersion.split(apiVersion)
        self.kind = kind
    }

    public var apiVersion: String { APIVersion.join(group: group, version: version) }

    public var description: String { "\(apiVersion), Kind=\(kind)" }
}

/// Everything discovery says about one resource: how to address it and what it holds.
public struct ResourceMapping: Sendable, Hashable {
    public var resource: GroupVersionResource
    /// The kind of the objects the resource holds.
    public var kind: String
    /// Whether objects live in namespaces.
    public var namespaced: Bool
    public var singularName: String
    public var shortNames: [String]
    public var verbs: [String]
    public var categories: [String]

    public init(
        resource: GroupVersionResource,
        kind: String,
        namespaced: Bool,
        singularName: String = "",
        shortNames: [String] = [],
        verbs: [String] = [],
        categories: [String] = []
    ) {
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
        self.singularName = singularName
        self.shortNames = shortNames
        self.verbs = verbs
        self.categories = categories
    }

    public var groupVersionKind: GroupVersionKind {
        GroupVersionKind(group: resource.group, version: resource.version, kind: kind)
    }

    /// Whether the resource supports `verb` (`list`, `watch`, `patch`, ...).
    public func supports(_ verb: String) -> Bool { verbs.contains(verb) }
}
