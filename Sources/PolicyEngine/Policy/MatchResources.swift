/// A `match` or `exclude` block: `any`, `all`, or the legacy form with `resources` at the top.
public struct MatchResources: Sendable {
    public var any: [ResourceFilter]
    public var all: [ResourceFilter]
    /// The legacy form (`match.resources`, `match.subjects`...).
    public var legacy: ResourceFilter

    public var isEmpty: Bool { any.isEmpty && all.isEmpty && legacy.isEmpty }

    /// Every filter of the block, whatever its form.
    public var filters: [ResourceFilter] { any + all + [legacy] }

    /// The index of ``legacy`` in ``filters``.
    var legacyIndex: Int { any.count + all.count }

    /// Every kind named in the block.
    public var kinds: [String] { filters.flatMap(\.resources.kinds) }
}

/// A resource description plus user information (`resources`, `subjects`, `roles`, `clusterRoles`).
public struct ResourceFilter: Sendable {
    public var resources: ResourceDescription
    public var subjects: [Subject]
    public var roles: [String]
    public var clusterRoles: [String]

    public var hasUserInfo: Bool { !subjects.isEmpty || !roles.isEmpty || !clusterRoles.isEmpty }
    public var isEmpty: Bool { resources.isEmpty && !hasUserInfo }
}

/// `resources` in a match or exclude filter.
public struct ResourceDescription: Sendable {
    public var kinds: [String]
    public var name: String?
    public var names: [String]
    public var namespaces: [String]
    /// nil when absent; present but empty still counts as set (for autogen decisions).
    public var annotations: [String: String]?
    public var selector: LabelSelector?
    public var namespaceSelector: LabelSelector?
    /// `CREATE`, `UPDATE`, `DELETE`, `CONNECT`.
    public var operations: [String]

    public var isEmpty: Bool {
        kinds.isEmpty && name == nil && names.isEmpty && namespaces.isEmpty && annotations == nil && selector == nil
            && namespaceSelector == nil && operations.isEmpty
    }
}

/// An RBAC subject in `match.subjects`.
public struct Subject: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var namespace: String?
}

/// A Kubernetes label selector.
public struct LabelSelector: Sendable, Hashable {
    public struct Requirement: Sendable, Hashable {
        public enum Operator: String, Sendable, Hashable {
            case `in` = "In"
            case notIn = "NotIn"
            case exists = "Exists"
            case doesNotExist = "DoesNotExist"
        }

        public var key: String
        public var `operator`: Operator
        public var values: [String]
    }

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]
}
