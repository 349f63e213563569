import JSONValue

/// A discovery document could not be understood.
public struct DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The discovery path the document came from (`/apis`, `/apis/apps/v1`).
    public var path: String?

    public init(_ message: String, path: String? = nil) {
        self.message = message
        self.path = path
    }

    public var description: String { path.map { "\($0): \(message)" } ?? message }
}

/// Parsers for the discovery documents served at `/api` and `/apis`, both the aggregated
/// `apidiscovery.k8s.io/v2` `APIGroupDiscoveryList` and the legacy `APIVersions`, `APIGroupList` and
/// `APIResourceList` documents.
public enum DiscoveryDocument {
    /// The `Accept` header client-go sends to `/api` and `/apis`: aggregated discovery first, legacy JSON
    /// as the fallback. The answer's `Content-Type` says which one the server chose.
    public static let acceptHeader =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

    /// Whether a response `Content-Type` announces an aggregated discovery document.
    public static func isAggregated(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let parameters = contentType.lowercased().split(separator: ";").map {
            String($0).trimmingWhitespace()
        }
        return parameters.contains("g=apidiscovery.k8s.io") && parameters.contains("as=apigroupdiscoverylist")
    }

    /// One group of the legacy `APIGroupList`.
    public struct LegacyGroup: Sendable, Hashable {
        public var name: String
        /// `group/version` strings, preferred first.
        public var groupVersions: [String]
    }

    /// Resources of an aggregated `APIGroupDiscoveryList`, every version of every group, the preferred
    /// (first listed) version of each group first. Versions marked `freshness: Stale` are still returned.
    /// - Throws: ``DiscoveryError`` when the document is not an `APIGroupDiscoveryList`.
    public static func aggregatedMappings(_ document: JSONValue, path: String? = nil) throws(DiscoveryError)
        -> [ResourceMapping]
    {
        guard document["kind"]?.stringValue == "APIGroupDiscoveryList", let items = document["items"]?.arrayValue
        else { throw DiscoveryError("not an APIGroupDiscoveryList", path: path) }
        var mappings: [ResourceMapping] = []
        for (groupIndex, item) in items.enumerated() {
            let group = item[path: "metadata", "name"]?.stringValue ?? ""
            guard let versions = item["versions"]?.arrayValue else {
                throw DiscoveryError("items[\(groupIndex)].versions is missing", path: path)
            }
            for version in versions {
                guard let versionName = version["version"]?.stringValue else {
                    throw DiscoveryError("items[\(groupIndex)] has a version without a name", path: path)
                }
                for resource in version["resources"]?.arrayValue ?? [] {
                    guard let name = resource["resource"]?.stringValue,
                        let kind = resource[path: "responseKind", "kind"]?.stringValue
                    else { continue }  // A resource without a kind cannot be addressed by kind.
                    mappings.append(
                        ResourceMapping(
                            resource: GroupVersionResource(group: group, version: versionName, resource: name),
                            kind: kind,
                            namespaced: resource["scope"]?.stringValue == "Namespaced",
                            singularName: resource["singularResource"]?.stringValue ?? "",
                            shortNames: strings(resource["shortNames"]),
                            verbs: strings(resource["verbs"]),
                            categories: strings(resource["categories"])
                        )
                    )
                }
            }
        }
        return mappings
    }

    /// The versions of the legacy `/api` `APIVersions` document (`["v1"]`).
    public static func legacyCoreVersions(_ document: JSONValue, path: String? = nil) throws(DiscoveryError)
        -> [String]
    {
        guard let versions = document["versions"]?.arrayValue else {
            throw DiscoveryError("not an APIVersions document", path: path)
        }
        return versions.compactMap(\.stringValue)
    }

    /// The groups of the legacy `/apis` `APIGroupList`, each with its versions, preferred first.
    public static func legacyGroups(_ document: JSONValue, path: String? = nil) throws(DiscoveryError)
        -> [LegacyGroup]
    {
        guard document["kind"]?.stringValue == "APIGroupList" || document["groups"] != nil,
            let groups = document["groups"]?.arrayValue
        else { throw DiscoveryError("not an APIGroupList", path: path) }
        return groups.compactMap { group in
            guard let name = group["name"]?.stringValue else { return nil }
            var versions = (group["versions"]?.arrayValue ?? []).compactMap { $0["groupVersion"]?.stringValue }
            if let preferred = group[path: "preferredVersion", "groupVersion"]?.stringValue,
                let index = versions.firstIndex(of: preferred)
            {
                versions.remove(at: index)
                versions.insert(preferred, at: 0)
            }
            return LegacyGroup(name: name, groupVersions: versions)
        }
    }

    /// Resources of a legacy `APIResourceList` (`/api/v1`, `/apis/{group}/{version}`). Subresources
    /// (`pods/log`) are left out.
    public static func legacyResourceMappings(_ document: JSONValue, path: String? = nil) throws(DiscoveryError)
        -> [ResourceMapping]
    {
        guard let groupVersion = document["groupVersion"]?.stringValue,
            let resources = document["resources"]?.arrayValue
        else { throw DiscoveryError("not an APIResourceList", path: path) }
        let gv = GroupVersionKind(apiVersion: groupVersion, kind: "")
        return resources.compactMap { resource in
            guard let name = resource["name"]?.stringValue, !name.contains("/"),
                let kind = resource["kind"]?.stringValue
            else { return nil }
            return ResourceMapping(
                resource: GroupVersionResource(
                    group: resource["group"]?.stringValue ?? gv.group,
                    version: resource["version"]?.stringValue ?? gv.version,
                    resource: name
                ),
                kind: kind,
                namespaced: resource["namespaced"]?.boolValue ?? false,
                singularName: resource["singularName"]?.stringValue ?? "",
                shortNames: strings(resource["shortNames"]),
                verbs: strings(resource["verbs"]),
                categories: strings(resource["categories"])
            )
        }
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
