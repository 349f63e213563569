import JSONValue

/// A minimal OpenAPI v3 surface: the root index (`/openapi/v3`) and one document per group version
/// listing each resource's PATCH operation with its parameters.
///
/// kubectl reads it to learn that the server supports `fieldValidation` (then it leaves validation to the
/// server instead of downloading schemas). There are no schemas, so kubectl falls back to its compiled-in
/// types for strategic merge patches of built-in kinds and to merge patches for custom resources, as it
/// does against any server without them.
enum OpenAPIDocuments {
    /// `apis/apps/v1` for a group version (`api/v1` for core).
    static func path(group: String, version: String) -> String {
        group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
    }

    static func root(registry: ResourceRegistry) -> JSONValue {
        var paths = JSONObject()
        for group in registry.groups() {
            for version in registry.versions(ofGroup: group) {
                let document = groupVersion(group: group, version: version, registry: registry)
                let key = path(group: group, version: version)
                let hash = String(document.contentHash.prefix(32)).uppercased()
                paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash)")]
            }
        }
        return ["paths": .object(paths)]
    }

    static let patchParameters: [JSONValue] = ["dryRun", "fieldManager", "fieldValidation", "force"].map {
        ["name": .string($0), "in": "query", "schema": ["type": "string", "uniqueItems": true]]
    }

    static func groupVersion(group: String, version: String, registry: ResourceRegistry) -> JSONValue {
        var paths = JSONObject()
        for info in registry.resources(group: group, version: version) {
            let prefix = "/" + path(group: group, version: version)
            let item =
                info.namespaced
                ? "\(prefix)/namespaces/{namespace}/\(info.plural)/{name}" : "\(prefix)/\(info.plural)/{name}"
            let kind: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(info.kind)]
            paths[item] = [
                "patch": [
                    "operationId": .string("patch\(info.kind)"), "parameters": .array(patchParameters),
                    "x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": kind,
                    "responses": ["200": ["description": "OK"]],
                ]
            ]
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.0"], "paths": .object(paths),
            "components": ["schemas": [:]],
        ]
    }
}
