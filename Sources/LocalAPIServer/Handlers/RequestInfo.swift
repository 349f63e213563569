/// What a resource request addresses, parsed from its path as kube-apiserver's `RequestInfoFactory` does.
struct RequestInfo: Sendable {
    var resource: ResourceInfo
    /// Empty for cluster-scoped resources and for lists across all namespaces.
    var namespace: String
    /// Empty for collection requests.
    var name: String
    var subresource: String?
    /// The deprecated `/api/v1/watch/...` form was used.
    var watchPath: Bool

    /// Parses `/api/v1/...` or `/apis/<group>/<version>/...`; `nil` when the path is not a resource path.
    /// - Throws: ``StatusError`` 404 when the path names a resource the server does not serve.
    static func parse(_ path: String, registry: ResourceRegistry) throws(StatusError) -> RequestInfo? {
        var parts = path.split(separator: "/").map(String.init)
        let group: String
        let version: String
        if parts.first == "api", parts.count >= 3 {
            group = ""
            version = parts[1]
            parts.removeFirst(2)
        } else if parts.first == "apis", parts.count >= 4 {
            group = parts[1]
            version = parts[2]
            parts.removeFirst(3)
        } else {
            return nil
        }
        var watchPath = false
        if parts.first == "watch" {
            watchPath = true
            parts.removeFirst()
        }
        var namespace = ""
        var namespacedPath = false
        if parts.first == "namespaces", parts.count > 1 {
            namespace = parts[1]
            if parts.count > 2, parts[2] != "status", parts[2] != "finalize" {
                parts.removeFirst(2)
                namespacedPath = true
            }
        }
        guard let plural = parts.first, parts.count <= 3 else { throw StatusError.pathNotFound(path) }
        guard let resource = registry.resolve(group: group, version: version, plural: plural) else {
            throw StatusError.pathNotFound(path)
        }
        var name = parts.count > 1 ? parts[1] : ""
        let subresource = parts.count > 2 ? parts[2] : nil
        if resource.plural == "namespaces", group.isEmpty {
            name = parts.count > 1 ? parts[1] : ""
            namespace = ""
        }
        // Only the routes kube-apiserver registers exist: cluster-scoped kinds have no namespaced paths, and
        // a namespaced object is only addressed inside its namespace (its collection may be listed across
        // all namespaces).
        if namespacedPath, !resource.namespaced { throw StatusError.pathNotFound(path) }
        if resource.namespaced, !namespacedPath, !name.isEmpty { throw StatusError.pathNotFound(path) }
        if !resource.namespaced { namespace = "" }
        if let subresource {
            guard subresource == "status", resource.hasStatus else {
                // The custom resource handler answers an unserved subresource as a missing object.
                if resource.isCustom { throw StatusError.notFound(resource.groupResource, name) }
                throw StatusError.pathNotFound(path)
            }
        }
        return RequestInfo(
            resource: resource, namespace: namespace, name: name, subresource: subresource, watchPath: watchPath)
    }
}
