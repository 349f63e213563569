import JSONValue
import Synchronization

extension KubeClient {
    /// Reads discovery and builds a ``RESTMapper``: aggregated discovery (`apidiscovery.k8s.io/v2`) when the
    /// server answers with it, else the legacy documents (`/api`, `/apis`, then each group version).
    ///
    /// Discovery requests skip the client-side rate limiter (client-go gives discovery its own burst of
    /// 300). A 404 on `/api` is tolerated, as client-go tolerates it.
    /// - Throws: ``KubeAPIError``, ``KubeTransportError``, ``DiscoveryError``.
    public func discover() async throws -> RESTMapper {
        var mappings: [ResourceMapping] = []
        for root in ["/api", "/apis"] {
            let request = KubeRequest(
                method: "GET",
                path: root,
                headers: [HTTPField("Accept", DiscoveryDocument.acceptHeader)],
                timeout: .seconds(32)
            )
            let response: KubeResponse
            do {
                response = try await send(
                    request, verb: "discovery", resource: root, idempotent: true, rateLimited: false)
            } catch let error as KubeAPIError where error.reason == .notFound && root == "/api" {
                continue
            }
            let document = try Self.decode(response, request)
            if DiscoveryDocument.isAggregated(contentType: response.header("Content-Type")) {
                mappings += try DiscoveryDocument.aggregatedMappings(document, path: root)
            } else if root == "/api" {
                for version in try DiscoveryDocument.legacyCoreVersions(document, path: root) {
                    mappings += try await legacyResources(path: "/api/\(version)")
                }
            } else {
                for group in try DiscoveryDocument.legacyGroups(document, path: root) {
                    for groupVersion in group.groupVersions {
                        mappings += try await legacyResources(path: "/apis/\(groupVersion)")
                    }
                }
            }
        }
        let mapper = RESTMapper(mappings: mappings)
        mapperState.withLock { $0 = mapper }
        return mapper
    }

    private func legacyResources(path: String) async throws -> [ResourceMapping] {
        let request = KubeRequest(method: "GET", path: path, timeout: .seconds(32))
        let response = try await send(
            request, verb: "discovery", resource: "group-version", idempotent: true, rateLimited: false)
        return try DiscoveryDocument.legacyResourceMappings(try Self.decode(response, request), path: path)
    }

    /// The cached mapper, discovering on first use.
    public func restMapper() async throws -> RESTMapper {
        if let mapper = mapperState.withLock({ $0 }) { return mapper }
        return try await discover()
    }

    /// The mapping for a kind; discovery is refreshed once when the kind is unknown (a CRD installed
    /// since the last discovery).
    /// - Throws: ``DiscoveryError`` when the kind is still unknown.
    public func mapping(for kind: GroupVersionKind) async throws -> ResourceMapping {
        if let mapping = try await restMapper().mapping(for: kind) { return mapping }
        if let mapping = try await discover().mapping(for: kind) { return mapping }
        throw DiscoveryError("the server has no resource for kind \(kind)")
    }

    /// Resolves what a user typed (`pods`, `po`, `deploy.apps`), refreshing discovery once on a miss.
    /// - Throws: ``DiscoveryError`` when nothing matches.
    public func resolveResource(_ argument: String) async throws -> ResourceMapping {
        if let mapping = try await restMapper().resolve(argument) { return mapping }
        if let mapping = try await discover().resolve(argument) { return mapping }
        throw DiscoveryError("the server doesn't have a resource type \"\(argument)\"")
    }
}
