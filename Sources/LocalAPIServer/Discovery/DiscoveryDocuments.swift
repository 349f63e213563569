import Foundation
import JSONValue

/// The discovery documents, legacy (`APIVersions`, `APIGroupList`, `APIGroup`, `APIResourceList`) and
/// aggregated (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`), built from the registry.
enum DiscoveryDocuments {
    /// The content type that marks an aggregated discovery response; client-go decides by it.
    static func aggregatedContentType(version: String) -> String {
        "application/json;g=apidiscovery.k8s.io;v=\(version);as=APIGroupDiscoveryList"
    }

    /// The aggregated discovery version the client accepts (`v2` or `v2beta1`), or `nil` for legacy.
    static func aggregatedVersion(accept: String) -> String? {
        for mediaRange in accept.split(separator: ",") {
            let parameters = mediaRange.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parameters.contains("as=APIGroupDiscoveryList"), parameters.contains("g=apidiscovery.k8s.io") else {
                continue
            }
            if parameters.contains("v=v2") { return "v2" }
            if parameters.contains("v=v2beta1") { return "v2beta1" }
        }
        return nil
    }

    static func versions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    static func group(_ name: String, registry: ResourceRegistry) -> JSONValue {
        let versions = registry.versions(ofGroup: name)
        let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
            "preferredVersion": entries.first ?? .null,
        ]
    }

    static func groupList(registry: ResourceRegistry) -> JSONValue {
        let groups = registry.groups().filter { !$0.isEmpty }.map { name -> JSONValue in
            var group = group(name, registry: registry)
            group["kind"] = nil
            group["apiVersion"] = nil
            return group
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    static func resourceList(group: String, version: String, registry: ResourceRegistry) -> JSONValue {
        var resources: [JSONValue] = []
        for info in registry.resources(group: group, version: version) {
            var entry: JSONObject = [
                "name": .string(info.plural), "singularName": .string(info.singular),
                "namespaced": .bool(info.namespaced), "kind": .string(info.kind),
                "verbs": .array(ResourceInfo.verbs.map { .string($0) }),
            ]
            if !info.shortNames.isEmpty { entry["shortNames"] = .array(info.shortNames.map { .string($0) }) }
            if !info.categories.isEmpty { entry["categories"] = .array(info.categories.map { .string($0) }) }
            entry["storageVersionHash"] = .string(
                String(JSONValue.string(info.groupResource.description).contentHash.prefix(11)))
            resources.append(.object(entry))
            if info.hasStatus {
                resources.append([
                    "name": .string("\(info.plural)/status"), "singularName": "", "namespaced": .bool(info.namespaced),
                    "kind": .string(info.kind), "verbs": ["get", "patch", "update"],
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
        ]
    }

    /// The aggregated document for the core group (`/api`) or for all named groups (`/apis`).
    static func aggregated(core: Bool, version: String, registry: ResourceRegistry) -> JSONValue {
        let groups = registry.groups().filter { $0.isEmpty == core }
        let items = groups.map { group -> JSONValue in
            let versions = registry.versions(ofGroup: group).map { groupVersion -> JSONValue in
                let resources = registry.resources(group: group, version: groupVersion).map { info -> JSONValue in
                    var entry: JSONObject = [
                        "resource": .string(info.plural),
                        "responseKind": [
                            "group": .string(group), "version": .string(groupVersion), "kind": .string(info.kind),
                        ],
                        "scope": .string(info.namespaced ? "Namespaced" : "Cluster"),
                        "singularResource": .string(info.singular),
                        "verbs": .array(ResourceInfo.verbs.map { .string($0) }),
                    ]
                    if !info.shortNames.isEmpty { entry["shortNames"] = .array(info.shortNames.map { .string($0) }) }
                    if !info.categories.isEmpty { entry["categories"] = .array(info.categories.map { .string($0) }) }
                    if info.hasStatus {
                        entry["subresources"] = [
                            [
                                "subresource": "status",
                                "responseKind": [
                                    "group": .string(group), "version": .string(groupVersion),
                                    "kind": .string(info.kind),
                                ],
                                "verbs": ["get", "patch", "update"],
                            ]
                        ]
                    }
                    return .object(entry)
                }
                return ["version": .string(groupVersion), "resources": .array(resources), "freshness": "Current"]
            }
            return ["metadata": ["name": .string(group), "creationTimestamp": nil], "versions": .array(versions)]
        }
        return [
            "kind": "APIGroupDiscoveryList", "apiVersion": .string("apidiscovery.k8s.io/\(version)"),
            "metadata": [:], "items": .array(items),
        ]
    }
}
