import Foundation
import HTTPTypes
import Hummingbird
import JSONValue
import Logging
import NIOCore

/// Answers every HTTP request: fault injection, authentication, discovery, and the resource verbs.
struct APIHandler: HTTPResponder {
    typealias Context = APIRequestContext

    let store: Store
    let faults: FaultInjector
    let settings: HandlerSettings
    let logger: Logger

    /// What the handler needs from the server configuration.
    struct HandlerSettings: Sendable {
        /// The accepted bearer tokens (they can change while the server runs, as rotated tokens do).
        var tokens: AcceptedTokens
        var maxBodyBytes: Int
        var minRequestTimeout: Duration
        var serverAddress: @Sendable () -> String
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if ["/healthz", "/livez", "/readyz"].contains(path) {
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
        let header = request.headers[.authorization] ?? ""
        let token = header.hasPrefix("Bearer ") ? String(header.dropFirst("Bearer ".count)) : ""
        let (latency, failure) = faults.decide(token: token)
        if latency > .zero { try await Task.sleep(for: latency) }
        if let failure { return Self.injected(failure) }
        // As kube-apiserver's union of authenticators: a verified client certificate authenticates too.
        if !settings.tokens.accepts(token), await context.clientCertificateUser() == nil {
            return Self.error(.unauthorized)
        }
        do {
            var request = request
            return try await route(&request, path: path)
        } catch let error as StatusError {
            return Self.error(error)
        }
    }

    private func route(_ request: inout Request, path: String) async throws -> Response {
        let registry = store.registry
        let accept = request.headers[.accept] ?? ""
        switch path {
        case "/version", "/version/":
            return Self.json(.ok, Self.versionDocument)
        case "/api", "/api/":
            if let version = DiscoveryDocuments.aggregatedVersion(accept: accept) {
                return Self.json(
                    .ok, DiscoveryDocuments.aggregated(core: true, version: version, registry: registry),
                    contentType: DiscoveryDocuments.aggregatedContentType(version: version))
            }
            return Self.json(.ok, DiscoveryDocuments.versions(serverAddress: settings.serverAddress()))
        case "/apis", "/apis/":
            if let version = DiscoveryDocuments.aggregatedVersion(accept: accept) {
                return Self.json(
                    .ok, DiscoveryDocuments.aggregated(core: false, version: version, registry: registry),
                    contentType: DiscoveryDocuments.aggregatedContentType(version: version))
            }
            return Self.json(.ok, DiscoveryDocuments.groupList(registry: registry))
        case "/api/v1", "/api/v1/":
            return Self.json(.ok, DiscoveryDocuments.resourceList(group: "", version: "v1", registry: registry))
        default:
            break
        }
        let parts = path.split(separator: "/").map(String.init)
        if parts.first == "openapi", parts.count >= 2, parts[1] == "v3" {
            if parts.count == 2 { return Self.json(.ok, OpenAPIDocuments.root(registry: registry)) }
            let rest = Array(parts.dropFirst(2))
            if rest.first == "api", rest.count == 2, registry.serves(group: "", version: rest[1]) {
                return Self.json(.ok, OpenAPIDocuments.groupVersion(group: "", version: rest[1], registry: registry))
            }
            if rest.first == "apis", rest.count == 3, registry.serves(group: rest[1], version: rest[2]) {
                return Self.json(
                    .ok, OpenAPIDocuments.groupVersion(group: rest[1], version: rest[2], registry: registry))
            }
            throw StatusError.pathNotFound(path)
        }
        if parts.first == "apis", parts.count == 2, !registry.versions(ofGroup: parts[1]).isEmpty {
            return Self.json(.ok, DiscoveryDocuments.group(parts[1], registry: registry))
        }
        if parts.first == "apis", parts.count == 3, registry.serves(group: parts[1], version: parts[2]) {
            return Self.json(
                .ok, DiscoveryDocuments.resourceList(group: parts[1], version: parts[2], registry: registry))
        }
        // `/apis/<group>/<version>` paths outside a served group version have no handler at all:
        // kube-apiserver's mux answers them with a plain-text 404. Everything under `/api` and every served
        // group version answers unknown resources with a Status.
        if parts.first == "apis", parts.count < 3 || !registry.serves(group: parts[1], version: parts[2]) {
            return Self.pageNotFound
        }
        guard let info = try RequestInfo.parse(path, registry: registry) else {
            throw StatusError.pathNotFound(path)
        }
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let format = try ResponseFormat(accept: accept, query: query)
        switch request.method {
        case .get:
            if !info.name.isEmpty && !info.watchPath {
                return try get(info, format: format)
            }
            let options = try ListOptions(query: query, resource: info.resource, watchPath: info.watchPath)
            var filter = ObjectFilter(
                namespace: info.namespace.isEmpty ? nil : info.namespace, labels: options.labelSelector,
                fields: options.fieldSelector)
            if !info.name.isEmpty {
                // A watch of one object: `/watch/.../name` or `?watch=1&fieldSelector=metadata.name=x`.
                filter.fields.terms.append(.init(field: "metadata.name", value: info.name, negated: false))
            }
            if options.watch {
                return try watch(info, filter: filter, options: options, format: format)
            }
            return try list(info, filter: filter, options: options, format: format)
        case .post:
            // Across all namespaces a namespaced collection can only be read.
            guard info.name.isEmpty, !(info.resource.namespaced && info.namespace.isEmpty) else {
                throw StatusError.methodNotAllowed("the server does not allow this method on the requested resource")
            }
            let body = try await readBody(&request)
            return try create(info, body: body, contentType: request.headers[.contentType], query: query)
        case .put:
            guard !info.name.isEmpty else {
                throw StatusError.methodNotAllowed("the server does not allow this method on the requested resource")
            }
            let body = try await readBody(&request)
            return try replace(info, body: body, contentType: request.headers[.contentType], query: query)
        case .patch:
            guard !info.name.isEmpty else {
                throw StatusError.methodNotAllowed("the server does not allow this method on the requested resource")
            }
            let body = try await readBody(&request)
            return try patch(info, body: body, contentType: request.headers[.contentType], query: query)
        case .delete:
            let body = try await readBody(&request)
            if info.name.isEmpty {
                guard !(info.resource.namespaced && info.namespace.isEmpty) else {
                    throw StatusError.methodNotAllowed(
                        "the server does not allow this method on the requested resource")
                }
                let options = try ListOptions(query: query, resource: info.resource, watchPath: false)
                return try deleteCollection(info, options: options, body: body, query: query)
            }
            return try delete(info, body: body, query: query)
        default:
            throw StatusError.methodNotAllowed("the server does not allow this method on the requested resource")
        }
    }

    /// Reads the whole body, refusing more than the limit (3 MiB, as kube-apiserver) with 413.
    private func readBody(_ request: inout Request) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= settings.maxBodyBytes else {
                throw StatusError.tooLarge(limit: settings.maxBodyBytes)
            }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }

    static let versionDocument: JSONValue = [
        "major": "1", "minor": "32", "emulationMajor": "1", "emulationMinor": "32", "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "31", "gitVersion": "v1.32.0-vigil",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "swift6", "compiler": "swift",
        "platform": "linux/amd64",
    ]

    // MARK: Responses

    /// The 404 of Go's `http.ServeMux` for paths nothing is registered for.
    static var pageNotFound: Response {
        Response(
            status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "404 page not found\n")))
    }

    static func json(_ status: HTTPResponse.Status, _ document: JSONValue, contentType: String = "application/json")
        -> Response
    {
        bytes(status, document.serializedBytes(), contentType: contentType)
    }

    static func bytes(_ status: HTTPResponse.Status, _ bytes: [UInt8], contentType: String = "application/json")
        -> Response
    {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: buffer))
    }

    static func error(_ error: StatusError) -> Response {
        var response = json(HTTPResponse.Status(code: error.code), error.status)
        if let retry = error.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
        return response
    }

    /// An injected failure: APF's plain-text 429, or a Status for 5xx.
    static func injected(_ failure: FaultInjector.Failure) -> Response {
        var headers: HTTPFields = [:]
        if let retry = failure.retryAfterSeconds { headers[.retryAfter] = String(retry) }
        if failure.status == 429 {
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[HTTPField.Name("X-Kubernetes-PF-FlowSchema-UID")!] = "vigil-fault-injection"
            headers[HTTPField.Name("X-Kubernetes-PF-PriorityLevel-UID")!] = "vigil-fault-injection"
            return Response(
                status: .tooManyRequests, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "Too many requests, please try again later.\n")))
        }
        let reason = failure.status == 503 ? "ServiceUnavailable" : failure.status == 500 ? "InternalError" : ""
        let status = StatusError(
            code: failure.status, reason: reason, message: "injected failure (\(failure.status))",
            retryAfterSeconds: failure.retryAfterSeconds)
        var response = json(HTTPResponse.Status(code: failure.status), status.status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
