public import JSONValue

/// The admission request a CEL policy sees for one resource: what Kubernetes' `admission.Attributes` holds.
/// The background scan builds it with operation `CREATE`, no old object and no user.
public struct AdmissionAttributes: Sendable {
    public var group: String
    public var version: String
    public var kind: String
    /// The plural resource name (`pods`, `deployments`).
    public var resource: String
    public var subresource: String
    public var name: String
    public var namespace: String
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    public var operation: String
    public var object: JSONValue?
    public var oldObject: JSONValue?
    /// `{username, uid, groups, extra}`; empty in background scans.
    public var userInfo: JSONValue

    /// Attributes of `object` (or, for a DELETE, of `oldObject`).
    /// - Parameters:
    ///   - resource: the plural resource name when the caller knows it (from discovery); otherwise guessed
    ///     from the kind as Kubernetes' `UnsafeGuessKindToResource` does.
    public init(
        object: JSONValue?, oldObject: JSONValue? = nil, operation: String = "CREATE", resource: String? = nil,
        subresource: String = "", userInfo: JSONValue = .object([:])
    ) {
        let identity = ResourceIdentity(object ?? oldObject ?? .null)
        group = identity.group
        version = identity.version
        kind = identity.kind
        self.resource = resource ?? Self.guessResource(kind: identity.kind)
        self.subresource = subresource
        name = identity.name
        namespace = identity.kind == "Namespace" && identity.group.isEmpty ? "" : identity.namespace
        self.operation = operation
        self.object = object
        self.oldObject = oldObject
        self.userInfo = userInfo
    }

    /// Kubernetes' `meta.UnsafeGuessKindToResource`: lower case, `endpoints` unchanged, `s` → `ses`,
    /// `y` → `ies`, otherwise `s` appended.
    public static func guessResource(kind: String) -> String {
        let singular = kind.lowercased()
        guard let last = singular.last else { return "" }
        if singular.hasSuffix("endpoints") { return singular }
        switch last {
        case "s": return singular + "es"
        case "y": return String(singular.dropLast()) + "ies"
        default: return singular + "s"
        }
    }

    /// The `request` variable: the admission request Kubernetes builds for CEL (`CreateAdmissionRequest`).
    public var requestValue: JSONValue {
        let kindValue: JSONValue = .object([
            "group": .string(group), "version": .string(version), "kind": .string(kind),
        ])
        let resourceValue: JSONValue = .object([
            "group": .string(group), "version": .string(version), "resource": .string(resource),
        ])
        var request: JSONObject = [
            "uid": "", "kind": kindValue, "resource": resourceValue, "requestKind": kindValue,
            "requestResource": resourceValue, "name": .string(name), "namespace": .string(namespace),
            "operation": .string(operation), "userInfo": userInfo, "dryRun": false,
        ]
        if !subresource.isEmpty {
            request["subResource"] = .string(subresource)
            request["requestSubResource"] = .string(subresource)
        }
        return .object(request)
    }
}

/// Kubernetes' admission matching of `matchConstraints` (`k8s.io/apiserver` `matching` and `rules`
/// predicates, as Kyverno's `pkg/cel/matching` calls them): namespace selector, object selector,
/// excluded and matched resource rules.
public enum AdmissionMatcher {
    /// Whether `constraints` select the request.
    /// - Parameter namespaceLabels: the labels of the request's namespace (ignored for cluster-scoped
    ///   resources; a Namespace's own labels are read from the object).
    public static func matches(
        _ constraints: AdmissionMatchResources, _ attributes: AdmissionAttributes, namespaceLabels: [String: String]
    ) -> Bool {
        if let selector = constraints.namespaceSelector, !selector.isEmpty,
            !(attributes.namespace.isEmpty && attributes.resource != "namespaces")
        {
            var labels = namespaceLabels
            if attributes.resource == "namespaces", attributes.subresource.isEmpty,
                ["CREATE", "UPDATE"].contains(attributes.operation)
            {
                labels = ResourceIdentity(attributes.object ?? .null).labels
            }
            if !selector.matchesExactly(labels) { return false }
        }
        if let selector = constraints.objectSelector, !selector.isEmpty {
            let matched = [attributes.object, attributes.oldObject].contains { object in
                guard let object, !object.isNull else { return false }
                return selector.matchesExactly(ResourceIdentity(object).labels)
            }
            if !matched { return false }
        }
        if matches(constraints.excludeResourceRules, attributes) { return false }
        if constraints.resourceRules.isEmpty { return true }
        return matches(constraints.resourceRules, attributes)
    }

    static func matches(_ rules: [AdmissionResourceRule], _ attributes: AdmissionAttributes) -> Bool {
        for rule in rules where matches(rule, attributes) {
            if rule.resourceNames.isEmpty { return true }
            if attributes.name.isEmpty {
                let generateName = attributes.object?["metadata"]?["generateName"]?.stringValue ?? ""
                if rule.resourceNames.contains(where: { !generateName.isEmpty && generateName.hasPrefix($0) }) {
                    return true
                }
                continue
            }
            if rule.resourceNames.contains(attributes.name) { return true }
        }
        return false
    }

    /// `rules.Matcher.Matches`: scope, operation, group, version and resource/subresource.
    static func matches(_ rule: AdmissionResourceRule, _ attributes: AdmissionAttributes) -> Bool {
        func exactOrWildcard(_ items: [String], _ requested: String) -> Bool {
            items.contains { $0 == "*" || $0 == requested }
        }
        let isNamespaceResource = attributes.resource == "namespaces" && attributes.group.isEmpty
        switch rule.scope {
        case "Namespaced": if isNamespaceResource || attributes.namespace.isEmpty { return false }
        case "Cluster": if !(isNamespaceResource || attributes.namespace.isEmpty) { return false }
        case "*", "": break
        default: return false
        }
        guard exactOrWildcard(rule.operations, attributes.operation),
            exactOrWildcard(rule.apiGroups, attributes.group), exactOrWildcard(rule.apiVersions, attributes.version)
        else { return false }
        return rule.resources.contains { entry in
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let resource = parts[0]
            let subresource = parts.count > 1 ? parts[1] : ""
            return (resource == "*" || resource == attributes.resource)
                && (subresource == "*" || subresource == attributes.subresource)
        }
    }
}

extension LabelSelector {
    /// Whether the selector has no requirements (Kubernetes' `Empty()`: it selects everything).
    var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    /// Kubernetes' label selector semantics, without Kyverno's wildcards.
    func matchesExactly(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        return matchesExpressions(labels)
    }
}
