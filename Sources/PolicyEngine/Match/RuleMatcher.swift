/// Kyverno's match/exclude decision for one rule and one resource (`MatchesResourceDescription`), as in a
/// background scan: no user info, so filters on roles, cluster roles and subjects never match, and
/// `exclude` blocks that rely on them never exclude.
struct RuleMatcher: Sendable {
    let match: MatchResources
    let exclude: MatchResources?
    let matchSelectors: [[KindSelector]]
    let excludeSelectors: [[KindSelector]]
    /// Whether any filter of the rule uses a namespace selector (the caller then supplies namespace labels).
    let needsNamespaceLabels: Bool

    init(match: MatchResources, exclude: MatchResources?) {
        self.match = match
        self.exclude = exclude
        matchSelectors = match.filters.map { $0.resources.kinds.map(KindSelector.init) }
        excludeSelectors = exclude?.filters.map { $0.resources.kinds.map(KindSelector.init) } ?? []
        needsNamespaceLabels = (match.filters + (exclude?.filters ?? [])).contains {
            $0.resources.namespaceSelector != nil
        }
    }

    /// The reasons the resource does not match (empty when it matches), in Kyverno's words.
    func mismatches(
        _ resource: ResourceIdentity, namespaceLabels: [String: String], policyNamespace: String?,
        operation: String
    ) -> [String] {
        if let policyNamespace, !policyNamespace.isEmpty, policyNamespace != resource.namespace {
            return ["policy and resource namespaces mismatch"]
        }
        var reasons: [String] = []
        if !match.any.isEmpty {
            let matched = match.any.indices.contains { index in
                filterErrors(
                    match.any[index], matchSelectors[index], resource, namespaceLabels, operation, forMatch: true
                ).isEmpty
            }
            if !matched { reasons.append("no resource matched") }
        } else if !match.all.isEmpty {
            for index in match.all.indices {
                reasons += filterErrors(
                    match.all[index], matchSelectors[match.any.count + index], resource, namespaceLabels, operation,
                    forMatch: true)
            }
        } else {
            reasons += filterErrors(
                match.legacy, matchSelectors[match.legacyIndex], resource, namespaceLabels, operation,
                forMatch: true)
        }
        guard reasons.isEmpty, let exclude, !exclude.isEmpty else { return reasons }
        if !exclude.any.isEmpty {
            for index in exclude.any.indices
            where excludes(exclude.any[index], excludeSelectors[index], resource, namespaceLabels, operation) {
                reasons.append("resource excluded since one of the criteria excluded it")
            }
        } else if !exclude.all.isEmpty {
            let all = exclude.all.indices.allSatisfy { index in
                excludes(
                    exclude.all[index], excludeSelectors[exclude.any.count + index], resource, namespaceLabels,
                    operation)
            }
            if all { reasons.append("resource excluded since the combination of all criteria exclude it") }
        } else if excludes(
            exclude.legacy, excludeSelectors[exclude.legacyIndex], resource, namespaceLabels,
            operation)
        {
            reasons.append("resource excluded since one of the criteria excluded it")
        }
        return reasons
    }

    private func excludes(
        _ filter: ResourceFilter, _ kinds: [KindSelector], _ resource: ResourceIdentity,
        _ namespaceLabels: [String: String], _ operation: String
    ) -> Bool {
        guard !filter.isEmpty else { return false }
        return filterErrors(filter, kinds, resource, namespaceLabels, operation, forMatch: false).isEmpty
    }

    /// Kyverno's `doesResourceMatchConditionBlock`. In a match block without user info in the request the
    /// user-info part is dropped; in an exclude block it stays and never matches.
    private func filterErrors(
        _ filter: ResourceFilter, _ kinds: [KindSelector], _ resource: ResourceIdentity,
        _ namespaceLabels: [String: String], _ operation: String, forMatch: Bool
    ) -> [String] {
        let description = filter.resources
        if forMatch, description.isEmpty { return ["match cannot be empty"] }
        if !description.operations.isEmpty, !description.operations.contains(operation) {
            return ["operation does not match"]
        }
        var errors: [String] = []
        if !kinds.isEmpty,
            !kinds.contains(where: {
                $0.matches(
                    group: resource.group, version: resource.version, kind: resource.kind,
                    subresource: resource.subresource)
            })
        {
            errors.append("kind does not match [" + description.kinds.joined(separator: " ") + "]")
        }
        if let name = description.name, !name.isEmpty, !Wildcard.matches(name, resource.name) {
            errors.append("name does not match")
        }
        if !description.names.isEmpty, !description.names.contains(where: { Wildcard.matches($0, resource.name) }) {
            errors.append("none of the names match")
        }
        if !description.namespaces.isEmpty {
            let namespace = resource.kind == "Namespace" ? resource.name : resource.namespace
            if !description.namespaces.contains(where: { Wildcard.matches($0, namespace) }) {
                errors.append("namespace does not match")
            }
        }
        if let annotations = description.annotations, !annotations.isEmpty {
            let allFound = annotations.allSatisfy { key, value in
                resource.annotations.contains { Wildcard.matches(key, $0.key) && Wildcard.matches(value, $0.value) }
            }
            if !allFound { errors.append("annotations does not match") }
        }
        if let selector = description.selector, !selector.matches(resource.labels) {
            errors.append("selector does not match")
        }
        if let namespaceSelector = description.namespaceSelector {
            if resource.kind == "Namespace" {
                errors.append("namespace selector is not applicable for namespace resource")
            } else if !resource.kind.isEmpty, !namespaceSelector.matches(namespaceLabels) {
                errors.append("namespace selector does not match labels")
            }
        }
        if !forMatch {
            // No user info in a background scan: any user-info criterion fails.
            if !filter.roles.isEmpty { errors.append("user info does not match roles for the given conditionBlock") }
            if !filter.clusterRoles.isEmpty {
                errors.append("user info does not match clustersRoles for the given conditionBlock")
            }
            if !filter.subjects.isEmpty {
                errors.append("user info does not match subject for the given conditionBlock")
            }
        }
        return errors
    }
}
