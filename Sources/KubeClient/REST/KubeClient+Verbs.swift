import JSONValue

/// How a patch body is to be read.
public enum PatchType: Sendable, Hashable {
    /// RFC 7386 JSON merge patch (`application/merge-patch+json`).
    case merge
    /// RFC 6902 JSON patch (`application/json-patch+json`).
    case json
    /// Strategic merge patch (built-in types only, not custom resources).
    case strategicMerge
    /// Server-side apply with a field manager (required, at most 128 characters); `force` takes over
    /// fields owned by other managers.
    case apply(fieldManager: String, force: Bool)

    var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .strategicMerge: "application/strategic-merge-patch+json"
        case .apply: "application/apply-patch+yaml"
        }
    }
}

extension KubeClient {
    /// Reads one object.
    /// - Throws: ``KubeAPIError`` (`.notFound` when it does not exist).
    public func get(_ resource: GroupVersionResource, namespace: String? = nil, name: String) async throws -> JSONValue
    {
        let request = KubeRequest(method: "GET", path: ResourcePath.path(resource, namespace: namespace, name: name))
        let response = try await send(request, verb: "get", resource: resource.metricLabel, idempotent: true)
        return try Self.decode(response, request)
    }

    /// Reads one page of a list (or the whole list without ``ListOptions/limit``).
    /// - Throws: ``KubeAPIError`` (`.expired` when a continue token is too old).
    public func list(_ resource: GroupVersionResource, namespace: String? = nil, options: ListOptions = ListOptions())
        async throws -> ListPage
    {
        let path = ResourcePath.withQuery(ResourcePath.path(resource, namespace: namespace), options.queryItems)
        let request = KubeRequest(method: "GET", path: path)
        let response = try await send(request, verb: "list", resource: resource.metricLabel, idempotent: true)
        let list = try Self.decode(response, request)
        guard let items = list["items"].map({ $0.isNull ? [] : $0.arrayValue }) ?? [] else {
            throw KubeTransportError(.other, "list response has no items array", url: path)
        }
        return ListPage(
            items: items,
            resourceVersion: list[path: "metadata", "resourceVersion"]?.stringValue ?? "",
            continueToken: list[path: "metadata", "continue"]?.stringValue ?? "",
            remainingItemCount: list[path: "metadata", "remainingItemCount"]?.intValue,
            kind: list["kind"]?.stringValue
        )
    }

    /// Creates an object in `namespace` (ignored for cluster-scoped resources: pass `nil`).
    /// - Throws: ``KubeAPIError`` (`.alreadyExists`, `.invalid`).
    public func create(
        _ resource: GroupVersionResource,
        namespace: String? = nil,
        object: JSONValue,
        fieldManager: String? = nil
    ) async throws -> JSONValue {
        // Not repeated after a connection failure (as client-go, which retries only GETs then): the first attempt
        // may have been applied, and a repeat would answer AlreadyExists to the client's own write. 429 and 5xx
        // answers with Retry-After (the server did not apply the write) are still retried.
        return try await send(
            "POST", resource, namespace: namespace, query: [("fieldManager", fieldManager)], body: object,
            verb: "create", idempotent: false)
    }

    /// Replaces an object (`PUT`), named by its `metadata.name`. With `metadata.resourceVersion` set the
    /// update is conditional and a stale version fails with `.conflict`.
    /// - Throws: ``KubeAPIError`` (`.conflict`, `.notFound`, `.invalid`).
    public func update(
        _ resource: GroupVersionResource,
        namespace: String? = nil,
        object: JSONValue,
        fieldManager: String? = nil
    ) async throws -> JSONValue {
        guard let name = object[path: "metadata", "name"]?.stringValue, !name.isEmpty else {
            throw KubeAPIError(reason: .invalid, code: 422, message: "metadata.name is required for an update")
        }
        // Not repeated after a connection failure (as client-go): the first attempt may have been applied,
        // and a repeat would then answer Conflict to the client's own write. 429 and 5xx answers with
        // Retry-After (the server did not apply the write) are still retried.
        return try await send(
            "PUT", resource, namespace: namespace, name: name, query: [("fieldManager", fieldManager)], body: object,
            verb: "update", idempotent: false)
    }

    /// Patches an object. `patch` is the patch document (for `.apply`, the desired object).
    /// - Throws: ``KubeAPIError`` (`.conflict` for apply conflicts, `.notFound`, `.invalid`).
    public func patch(
        _ resource: GroupVersionResource,
        namespace: String? = nil,
        name: String,
        type: PatchType,
        patch: JSONValue
    ) async throws -> JSONValue {
        var query: [(String, String?)] = []
        var idempotent = false
        if case .apply(let fieldManager, let force) = type {
            query = [("fieldManager", fieldManager), ("force", force ? "true" : nil)]
            idempotent = true
        }
        return try await send(
            "PATCH", resource, namespace: namespace, name: name, query: query, body: patch,
            contentType: type.contentType, verb: "patch", idempotent: idempotent)
    }

    /// Deletes an object. With `resourceVersion` or `uid` the deletion is conditional on them.
    /// - Returns: the server's answer (the object being deleted, or a `Status`).
    /// - Throws: ``KubeAPIError`` (`.notFound`, `.conflict` when a precondition fails).
    @discardableResult
    public func delete(
        _ resource: GroupVersionResource,
        namespace: String? = nil,
        name: String,
        preconditionResourceVersion: String? = nil,
        preconditionUID: String? = nil,
        propagationPolicy: String? = nil
    ) async throws -> JSONValue {
        var options: JSONObject = ["kind": "DeleteOptions", "apiVersion": "v1"]
        var preconditions: JSONObject = [:]
        if let preconditionResourceVersion { preconditions["resourceVersion"] = .string(preconditionResourceVersion) }
        if let preconditionUID { preconditions["uid"] = .string(preconditionUID) }
        if !preconditions.isEmpty { options["preconditions"] = .object(preconditions) }
        if let propagationPolicy { options["propagationPolicy"] = .string(propagationPolicy) }
        return try await send(
            "DELETE", resource, namespace: namespace, name: name, body: .object(options), verb: "delete",
            idempotent: true)
    }

    /// Sends `body` with `method` to the object (or collection, without `name`) and decodes the answer;
    /// `verb` labels the request metrics.
    private func send(
        _ method: String, _ resource: GroupVersionResource, namespace: String?, name: String? = nil,
        query: [(String, String?)] = [], body: JSONValue, contentType: String = "application/json", verb: String,
        idempotent: Bool
    ) async throws -> JSONValue {
        let path = ResourcePath.withQuery(ResourcePath.path(resource, namespace: namespace, name: name), query)
        let request = KubeRequest(
            method: method, path: path, headers: [HTTPField("Content-Type", contentType)], body: body.serializedBytes())
        let response = try await send(request, verb: verb, resource: resource.metricLabel, idempotent: idempotent)
        return try Self.decode(response, request)
    }
}
