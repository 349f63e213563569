/// A group and a resource plural, the identity of a storage table (`pods`, `deployments.apps`).
public struct GroupResource: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var resource: String

    public init(group: String, resource: String) {
        self.group = group
        self.resource = resource
    }

    /// `pods` for the core group, `deployments.apps` otherwise.
    public var description: String { group.isEmpty ? resource : "\(resource).\(group)" }
}

/// How the names of a kind are validated.
public enum NameRule: Sendable, Hashable {
    /// RFC 1123 subdomain: at most 253 characters, dot-separated labels (most kinds).
    case dnsSubdomain
    /// RFC 1123 label: at most 63 characters (Namespace, Service).
    case dnsLabel
    /// Anything that is a valid path segment (RBAC kinds).
    case pathSegment
}

/// An additional printer column: a header and a JSONPath evaluated against each object.
public struct PrinterColumn: Sendable, Hashable {
    public var name: String
    /// `integer`, `number`, `string`, `boolean` or `date`.
    public var type: String
    public var format: String
    public var description: String
    public var priority: Int
    public var jsonPath: String

    public init(
        name: String, type: String, format: String = "", description: String = "", priority: Int = 0,
        jsonPath: String
    ) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
        self.jsonPath = jsonPath
    }
}

/// One servable resource in one version: the data discovery publishes and the handlers route by.
public struct ResourceInfo: Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    public var singular: String
    public var shortNames: [String]
    public var namespaced: Bool
    /// Whether the resource has a `status` subresource.
    public var hasStatus: Bool
    public var categories: [String]
    public var nameRule: NameRule
    /// Served from a CustomResourceDefinition (changes update rules, patch types and printing).
    public var isCustom: Bool
    /// The CRD's `additionalPrinterColumns` for this version; `nil` for built-in kinds.
    public var printerColumns: [PrinterColumn]?
    /// Field selectors accepted besides `metadata.name` and `metadata.namespace`.
    public var selectableFields: [String]
    /// Whether this version is the one objects are stored in (CRDs: `storage: true`).
    public var isStorageVersion: Bool

    public init(
        group: String, version: String, kind: String, plural: String, singular: String? = nil,
        shortNames: [String] = [], namespaced: Bool, hasStatus: Bool = false, categories: [String] = [],
        nameRule: NameRule = .dnsSubdomain, isCustom: Bool = false, printerColumns: [PrinterColumn]? = nil,
        selectableFields: [String] = [], isStorageVersion: Bool = true
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.shortNames = shortNames
        self.namespaced = namespaced
        self.hasStatus = hasStatus
        self.categories = categories
        self.nameRule = nameRule
        self.isCustom = isCustom
        self.printerColumns = printerColumns
        self.selectableFields = selectableFields
        self.isStorageVersion = isStorageVersion
    }

    /// `v1` for the core group, `group/version` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var groupResource: GroupResource { GroupResource(group: group, resource: plural) }
    public var listKind: String { kind + "List" }

    /// The built-in resources whose objects carry `metadata.generation` (their registry strategies set it and
    /// bump it on spec changes); the others (ConfigMaps, Secrets, Namespaces, RBAC, ...) have none.
    static let generationTracking: Set<GroupResource> = [
        GroupResource(group: "", resource: "pods"),
        GroupResource(group: "", resource: "replicationcontrollers"),
        GroupResource(group: "apps", resource: "deployments"), GroupResource(group: "apps", resource: "replicasets"),
        GroupResource(group: "apps", resource: "statefulsets"), GroupResource(group: "apps", resource: "daemonsets"),
        GroupResource(group: "batch", resource: "jobs"), GroupResource(group: "batch", resource: "cronjobs"),
        GroupResource(group: "networking.k8s.io", resource: "ingresses"),
        GroupResource(group: "networking.k8s.io", resource: "networkpolicies"),
        GroupResource(group: "policy", resource: "poddisruptionbudgets"),
        GroupResource(group: "apiextensions.k8s.io", resource: "customresourcedefinitions"),
    ]

    /// Whether objects of this resource carry `metadata.generation` (custom resources always do).
    public var tracksGeneration: Bool { isCustom || Self.generationTracking.contains(groupResource) }

    /// The verbs every resource supports here.
    static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
}
