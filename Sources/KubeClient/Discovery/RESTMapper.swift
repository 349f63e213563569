import JSONValue

/// Maps kinds and the names people type (`pods`, `pod`, `po`, `deploy.apps`, `policyreports`) to
/// resources, from discovery. Nothing is pluralised by hand: a kind discovery does not list is unknown.
///
/// Mappings keep discovery's order, in which each group's preferred version comes first, so a lookup
/// without a version picks the preferred one.
public struct RESTMapper: Sendable {
    public private(set) var mappings: [ResourceMapping]

    public init(mappings: [ResourceMapping]) {
        self.mappings = mappings
    }

    /// The mapping for a kind. `version` and `group` narrow the search; without a version the group's
    /// preferred version wins.
    public func mapping(kind: String, group: String? = nil, version: String? = nil) -> ResourceMapping? {
        mappings.first { mapping in
            mapping.kind == kind && (group.map { $0 == mapping.resource.group } ?? true)
                && (version.map { $0 == mapping.resource.version } ?? true)
        }
    }

    /// The mapping for an `apiVersion` and `kind`, as found in an object.
    public func mapping(for kind: GroupVersionKind) -> ResourceMapping? {
        mapping(kind: kind.kind, group: kind.group, version: kind.version)
    }

    /// The mapping for an exact resource.
    public func mapping(for resource: GroupVersionResource) -> ResourceMapping? {
        mappings.first { $0.resource == resource }
    }

    /// Resolves what a user typed on a command line, as kubectl does: a plural, singular or short name,
    /// or a kind (case-insensitive), optionally qualified as `name.version.group` or `name.group`.
    ///
    /// The core group wins over other groups for an unqualified name, then discovery order.
    public func resolve(_ argument: String) -> ResourceMapping? {
        let lowered = argument.lowercased()
        let parts = lowered.split(separator: ".", maxSplits: 1).map(String.init)
        let name = parts[0]
        let qualifier = parts.count > 1 ? parts[1] : nil
        let candidates = mappings.filter { mapping in
            mapping.resource.resource == name || mapping.singularName == name
                || mapping.shortNames.contains(name) || mapping.kind.lowercased() == name
        }
        if let qualifier {
            // `deployments.v1.apps` or `deployments.apps`.
            let versioned = qualifier.split(separator: ".", maxSplits: 1).map(String.init)
            if versioned.count == 2,
                let match = candidates.first(where: {
                    $0.resource.version == versioned[0] && $0.resource.group == versioned[1]
                })
            {
                return match
            }
            return candidates.first { $0.resource.group == qualifier }
                ?? candidates.first { $0.resource.version == qualifier && $0.resource.group.isEmpty }
        }
        // Exact resource names beat short names and kinds, and the core group beats others.
        let ranked = candidates.enumerated().min { lhs, rhs in
            rank(lhs.element, name) < rank(rhs.element, name)
                || (rank(lhs.element, name) == rank(rhs.element, name) && lhs.offset < rhs.offset)
        }
        return ranked?.element
    }

    private func rank(_ mapping: ResourceMapping, _ name: String) -> Int {
        let nameRank = mapping.resource.resource == name ? 0 : (mapping.singularName == name ? 1 : 2)
        return nameRank * 2 + (mapping.resource.group.isEmpty ? 0 : 1)
    }
}
