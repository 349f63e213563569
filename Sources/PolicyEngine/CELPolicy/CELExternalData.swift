public import CEL
import Failures
import JSONValue
import Synchronization

/// One lookup a CEL data function (`resource.Get`, `http.Post`, `globalContext.Get`, `image.GetMetadata`)
/// asks for.
enum CELDataRequest: Hashable, Sendable {
    case getResource(apiVersion: String, resource: String, namespace: String, name: String)
    case listResources(apiVersion: String, resource: String, namespace: String, labels: [String: String])
    case globalContext(name: String, projection: String)
    case imageData(reference: String)
    case http(method: String, url: String, body: JSONValue?, headers: [String: String], caBundle: String?)
}

/// The answers of one evaluation's data lookups. CEL functions are synchronous while a
/// ``ContextProvider`` is asynchronous, so evaluation runs in rounds: a function whose answer is not known
/// yet records the request and returns an error value; the engine then fetches every recorded request
/// through the provider and evaluates again (CEL is pure, so the second evaluation takes the same path
/// up to the new answers). ``CELDataSession/evaluate(provider:maximumRounds:_:)`` drives the rounds.
final class CELDataTable: Sendable {
    private struct State {
        var answers: [CELDataRequest: CELValue] = [:]
        var pending: [CELDataRequest] = []
    }

    private let state = Mutex(State())

    /// The marker error of a lookup whose answer is not known yet.
    static let pendingMessage = "external data not loaded yet"

    /// The answer, or a pending error after recording the request.
    func answer(_ request: CELDataRequest) -> CELValue {
        state.withLock { state in
            if let answer = state.answers[request] { return answer }
            if !state.pending.contains(request) { state.pending.append(request) }
            return .error(CELError(Self.pendingMessage))
        }
    }

    func takePending() -> [CELDataRequest] {
        state.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
    }

    func store(_ request: CELDataRequest, _ answer: CELValue) {
        state.withLock { $0.answers[request] = answer }
    }
}

/// The CEL variables Kyverno's data libraries are called on (`resource`, `http`, `globalContext`, `image`):
/// each is an opaque value carrying the evaluation's ``CELDataTable`` (and, for `resource`, the namespace
/// of a namespaced policy; for `http`, the CA bundle of `http.Client(caBundle)`).
struct CELDataContext: CELOpaqueValue {
    enum Library: String, Sendable {
        case resource = "resource.Context"
        case http = "http.Context"
        case globalContext = "globalcontext.Context"
        case imageData = "imagedata.Context"
    }

    let library: Library
    let table: CELDataTable
    /// The namespace of a namespaced policy: `resource.Get`/`List` without a namespace argument use it.
    var namespace = ""
    /// The CA bundle of an `http.Client(caBundle)`.
    var caBundle: String?

    var celTypeName: String { library.rawValue }
    func isEqual(to other: any CELOpaqueValue) -> Bool { false }
    var description: String { library.rawValue }
}

/// Registers the data functions of Kyverno's `resource`, `http`, `globalcontext` and `imagedata` libraries,
/// PascalCase (`Get`) and camelCase (`get`) as Kyverno 1.18 has them.
public struct KyvernoCELDataLibrary: CELLibrary {
    public init() {}

    public func register(into registry: inout CELFunctionRegistry) {
        let resource = CELKind.opaque(CELDataContext.Library.resource.rawValue)
        let http = CELKind.opaque(CELDataContext.Library.http.rawValue)
        let global = CELKind.opaque(CELDataContext.Library.globalContext.rawValue)
        let image = CELKind.opaque(CELDataContext.Library.imageData.rawValue)
        for (pascal, camel) in [("Get", "get"), ("List", "list"), ("Post", "post")] {
            for name in [pascal, camel] {
                registerResource(pascal, name: name, kind: resource, into: &registry)
            }
        }
        for name in ["Get", "get"] {
            registry.add(
                .binary(name, receiver: true, global, .string) { context, entry in
                    Self.lookup(context, .globalContext(name: entry.text, projection: ""))
                })
            registry.add(
                CELOverload(
                    name, receiver: true, [global, .string, .string],
                    body: .ternary { context, entry, projection in
                        Self.lookup(context, .globalContext(name: entry.text, projection: projection.text))
                    }))
        }
        for name in ["GetMetadata", "getMetadata"] {
            registry.add(
                .binary(name, receiver: true, image, .string) { context, reference in
                    Self.lookup(context, .imageData(reference: reference.text))
                })
        }
        for name in ["Get", "get"] {
            registry.add(
                .binary(name, receiver: true, http, .string) { context, url in
                    Self.httpRequest(context, "GET", url.text, body: nil, headers: .null)
                })
            registry.add(
                CELOverload(
                    name, receiver: true, [http, .string, .map],
                    body: .ternary { context, url, headers in
                        Self.httpRequest(context, "GET", url.text, body: nil, headers: headers)
                    }))
        }
        for name in ["Post", "post"] {
            registry.add(
                CELOverload(
                    name, receiver: true, [http, .string, .any],
                    body: .ternary { context, url, body in
                        Self.httpRequest(context, "POST", url.text, body: body, headers: .null)
                    }))
            registry.add(
                CELOverload(
                    name, receiver: true, [http, .string, .any, .map],
                    body: .variadic { values in
                        Self.httpRequest(values[0], "POST", values[1].text, body: values[2], headers: values[3])
                    }))
        }
        for name in ["Client", "client"] {
            registry.add(
                .binary(name, receiver: true, http, .string) { context, bundle in
                    guard case .opaque(let opaque) = context, var data = opaque as? CELDataContext else {
                        return .error(CELError("no such overload: Client"))
                    }
                    data.caBundle = bundle.text
                    return .opaque(data)
                })
        }
    }

    private func registerResource(
        _ operation: String, name: String, kind: CELKind, into registry: inout CELFunctionRegistry
    ) {
        switch operation {
        case "Get":
            // Namespaced form (the policy's namespace) and cluster form.
            registry.add(
                CELOverload(
                    name, receiver: true, [kind, .string, .string, .string],
                    body: .variadic { values in
                        Self.resourceGet(values[0], values[1].text, values[2].text, nil, values[3].text)
                    }))
            registry.add(
                CELOverload(
                    name, receiver: true, [kind, .string, .string, .string, .string],
                    body: .variadic { values in
                        Self.resourceGet(values[0], values[1].text, values[2].text, values[3].text, values[4].text)
                    }))
        case "List":
            registry.add(
                CELOverload(
                    name, receiver: true, [kind, .string, .string],
                    body: .ternary { context, apiVersion, resource in
                        Self.resourceList(context, apiVersion.text, resource.text, nil, labels: .null)
                    }))
            registry.add(
                CELOverload(
                    name, receiver: true, [kind, .string, .string, .string],
                    body: .variadic { values in
                        Self.resourceList(values[0], values[1].text, values[2].text, values[3].text, labels: .null)
                    }))
            registry.add(
                CELOverload(
                    name, receiver: true, [kind, .string, .string, .map],
                    body: .variadic { values in
                        Self.resourceList(values[0], values[1].text, values[2].text, nil, labels: values[3])
                    }))
            registry.add(
                CELOverload(
                    name, receiver: true, [kind, .string, .string, .string, .map],
                    body: .variadic { values in
                        Self.resourceList(values[0], values[1].text, values[2].text, values[3].text, labels: values[4])
                    }))
        default:
            // `resource.Post` creates objects; a background reporter never writes to the cluster.
            let refusal = CELValue.error(
                CELError("failed to create resource: resource.Post is not supported by a background scan"))
            registry.add(
                CELOverload(name, receiver: true, [kind, .string, .string, .map], body: .variadic { _ in refusal }))
            registry.add(
                CELOverload(
                    name, receiver: true, [kind, .string, .string, .string, .map], body: .variadic { _ in refusal }))
        }
    }

    static func lookup(_ context: CELValue, _ request: CELDataRequest) -> CELValue {
        guard case .opaque(let opaque) = context, let data = opaque as? CELDataContext else {
            return .error(CELError("no such overload"))
        }
        return data.table.answer(request)
    }

    static func resourceGet(
        _ context: CELValue, _ apiVersion: String, _ resource: String, _ namespace: String?, _ name: String
    ) -> CELValue {
        guard case .opaque(let opaque) = context, let data = opaque as? CELDataContext else {
            return .error(CELError("no such overload: Get"))
        }
        return data.table.answer(
            .getResource(apiVersion: apiVersion, resource: resource, namespace: namespace ?? data.namespace, name: name)
        )
    }

    static func resourceList(
        _ context: CELValue, _ apiVersion: String, _ resource: String, _ namespace: String?, labels: CELValue
    ) -> CELValue {
        guard case .opaque(let opaque) = context, let data = opaque as? CELDataContext else {
            return .error(CELError("no such overload: List"))
        }
        var selector: [String: String] = [:]
        if case .map(let map) = labels {
            for (key, value) in map.entries {
                guard case .string(let text) = value else { return .error(CELError("labels must be strings")) }
                selector[key.value.text] = text
            }
        }
        return data.table.answer(
            .listResources(
                apiVersion: apiVersion, resource: resource, namespace: namespace ?? data.namespace, labels: selector))
    }

    static func httpRequest(_ context: CELValue, _ method: String, _ url: String, body: CELValue?, headers: CELValue)
        -> CELValue
    {
        guard case .opaque(let opaque) = context, let data = opaque as? CELDataContext else {
            return .error(CELError("no such overload: http"))
        }
        var headerMap: [String: String] = [:]
        if case .map(let map) = headers {
            for (key, value) in map.entries { headerMap[key.value.text] = value.text }
        }
        var json: JSONValue?
        if let body {
            guard let converted = body.json else { return .error(CELError("request failed: body is not JSON")) }
            json = converted
        }
        return data.table.answer(
            .http(method: method, url: url, body: json, headers: headerMap, caBundle: data.caBundle))
    }
}

extension CELValue {
    /// The string of a `.string`; the JSON text of anything else (only reached after an overload's kind check).
    var text: String {
        if case .string(let value) = self { return value }
        return json?.serialized() ?? ""
    }
}

/// Runs evaluations that may call the data functions, fetching their answers through a ``ContextProvider``
/// between rounds.
struct CELDataSession: Sendable {
    let table = CELDataTable()

    /// The data variables bound to this session's table.
    func variables(namespace: String) -> [String: CELValue] {
        [
            "resource": .opaque(CELDataContext(library: .resource, table: table, namespace: namespace)),
            "http": .opaque(CELDataContext(library: .http, table: table)),
            "globalContext": .opaque(CELDataContext(library: .globalContext, table: table)),
            "image": .opaque(CELDataContext(library: .imageData, table: table)),
            "json": .opaque(CELMarker.json),
            "yaml": .opaque(CELMarker.yaml),
        ]
    }

    /// Evaluates `body` until it asks for no data it has not got (at most `maximumRounds` fetches).
    func evaluate<Result>(
        provider: any ContextProvider, maximumRounds: Int = 16, _ body: () -> Result
    ) async -> Result {
        var result = body()
        var rounds = 0
        while rounds < maximumRounds {
            let pending = table.takePending()
            if pending.isEmpty { break }
            for request in pending { table.store(request, await Self.fetch(request, provider: provider)) }
            rounds += 1
            result = body()
        }
        return result
    }

    static func fetch(_ request: CELDataRequest, provider: any ContextProvider) async -> CELValue {
        switch request {
        case .getResource(let apiVersion, let resource, let namespace, let name):
            do {
                let path = Self.path(apiVersion: apiVersion, resource: resource, namespace: namespace) + "/" + name
                return CELValue(json: try await provider.apiCall(APICallRequest(urlPath: path, method: "GET")))
            } catch let error as ContextProviderError where error.kind == .notFound {
                return .null
            } catch let error as ContextProviderError where error.kind == .forbidden || error.kind == .unauthorized {
                return .error(CELError("failed to get resource: permission denied: \(error)"))
            } catch {
                return .error(CELError("failed to get resource: \(error)"))
            }
        case .listResources(let apiVersion, let resource, let namespace, let labels):
            var path = Self.path(apiVersion: apiVersion, resource: resource, namespace: namespace)
            if !labels.isEmpty {
                let selector = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                path += "?labelSelector=" + (selector.addingPercentEncodingForQuery())
            }
            do {
                return CELValue(json: try await provider.apiCall(APICallRequest(urlPath: path, method: "GET")))
            } catch let error as ContextProviderError where error.kind == .forbidden || error.kind == .unauthorized {
                return .error(CELError("failed to list resource: permission denied: \(error)"))
            } catch {
                return .error(CELError("failed to list resource: \(error)"))
            }
        case .globalContext(let name, let projection):
            do {
                let key = projection.isEmpty ? name : name + "." + projection
                return CELValue(json: try await provider.globalReference(name: key))
            } catch {
                return .error(CELError("failed to get global reference: \(error)"))
            }
        case .imageData(let reference):
            do {
                return CELValue(json: try await provider.celImageData(reference: reference))
            } catch {
                return .error(CELError("failed to get image data: \(error)"))
            }
        case .http(let method, let url, let body, let headers, let caBundle):
            do {
                return CELValue(
                    json: try await provider.celHTTPRequest(
                        APICallRequest(
                            urlPath: nil, method: method, body: body, serviceURL: url, caBundle: caBundle,
                            headers: headers)))
            } catch {
                return .error(CELError("request failed: \(error)"))
            }
        }
    }

    /// The API path of a collection: `/api/v1[/namespaces/ns]/pods` or `/apis/group/version[...]/resource`.
    static func path(apiVersion: String, resource: String, namespace: String) -> String {
        var path = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion
        if !namespace.isEmpty { path += "/namespaces/" + namespace }
        return path + "/" + resource
    }
}

extension String {
    fileprivate func addingPercentEncodingForQuery() -> String {
        var result = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (byte < 16 ? "0" + hex : hex)
            }
        }
        return result
    }
}
