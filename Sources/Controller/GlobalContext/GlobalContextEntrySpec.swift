import Failures
public import JSONValue
public import KubeClient
public import PolicyEngine

/// The `spec` of a `GlobalContextEntry` (kyverno.io v2alpha1, v2beta1, v2): exactly one of
/// `kubernetesResource` and `apiCall`, and optional `projections`.
public struct GlobalContextEntrySpec: Sendable, Hashable {
    /// Where the data comes from.
    public enum Source: Sendable, Hashable {
        /// Every object of a resource (optionally one namespace), kept by an informer.
        case kubernetesResource(GroupVersionResource, namespace: String?)
        /// A call refreshed every `refreshInterval`, retried `retryLimit` times when it fails.
        case apiCall(APICallRequest, refreshInterval: Duration, retryLimit: Int)
    }

    public var source: Source
    /// `projections[]`: named JMESPath views of the data.
    public var projections: [Projection]

    /// One `projections[]` item.
    public struct Projection: Sendable, Hashable {
        public var name: String
        public var jmesPath: String
    }

    /// Kyverno's defaults: `refreshInterval` 10m, `retryLimit` 3.
    public static let defaultRefreshInterval = Duration.seconds(600)
    public static let defaultRetryLimit = 3

    /// Decodes the entry `object`.
    ///
    /// - Throws: ``ContextProviderError`` (kind `invalid`) naming the entry and the field.
    public init(object: JSONValue) throws(ContextProviderError) {
        let name = object[path: "metadata", "name"]?.stringValue ?? "<unnamed>"
        func invalid(_ field: String, _ problem: String) -> ContextProviderError {
            ContextProviderError(.invalid, "GlobalContextEntry \(name): spec.\(field) \(problem)")
        }
        let spec = object["spec"] ?? .object([:])
        var projections: [Projection] = []
        for (index, item) in (spec["projections"]?.arrayValue ?? []).enumerated() {
            guard let projectionName = item["name"]?.stringValue, !projectionName.isEmpty else {
                throw invalid("projections[\(index)].name", "is required")
            }
            guard let path = item["jmesPath"]?.stringValue, !path.isEmpty else {
                throw invalid("projections[\(index)].jmesPath", "is required")
            }
            projections.append(Projection(name: projectionName, jmesPath: path))
        }
        self.projections = projections
        let resource = spec["kubernetesResource"].flatMap { $0.isNull ? nil : $0 }
        let call = spec["apiCall"].flatMap { $0.isNull ? nil : $0 }
        switch (resource, call) {
        case (let resource?, nil):
            guard let version = resource["version"]?.stringValue, !version.isEmpty else {
                throw invalid("kubernetesResource.version", "is required")
            }
            guard let plural = resource["resource"]?.stringValue, !plural.isEmpty else {
                throw invalid("kubernetesResource.resource", "is required")
            }
            let namespace = resource["namespace"]?.stringValue
            source = .kubernetesResource(
                GroupVersionResource(group: resource["group"]?.stringValue ?? "", version: version, resource: plural),
                namespace: namespace?.isEmpty == false ? namespace : nil)
        case (nil, let call?):
            source = try Self.apiCall(call, invalid)
        default:
            throw invalid("", "must have exactly one of kubernetesResource and apiCall")
        }
    }

    private static func apiCall(
        _ call: JSONValue, _ invalid: (String, String) -> ContextProviderError
    ) throws(ContextProviderError) -> Source {
        let method = (call["method"]?.stringValue ?? "GET").uppercased()
        guard method == "GET" || method == "POST" else { throw invalid("apiCall.method", "must be GET or POST") }
        var request = APICallRequest(urlPath: nil, method: method)
        if let urlPath = call["urlPath"]?.stringValue, !urlPath.isEmpty {
            request.urlPath = urlPath
        } else if let service = call["service"], let url = service["url"]?.stringValue, !url.isEmpty {
            request.serviceURL = url
            request.caBundle = service["caBundle"]?.stringValue
            for header in service["headers"]?.arrayValue ?? [] {
                guard let key = header["key"]?.stringValue else {
                    throw invalid("apiCall.service.headers", "need a key")
                }
                request.headers[key] = header["value"]?.stringValue ?? ""
            }
        } else {
            throw invalid("apiCall", "must have a urlPath or a service.url")
        }
        if method == "POST" || call["data"]?.arrayValue?.isEmpty == false {
            var body = JSONObject()
            for item in call["data"]?.arrayValue ?? [] {
                guard let key = item["key"]?.stringValue else { throw invalid("apiCall.data", "items need a key") }
                body[key] = item["value"] ?? .null
            }
            request.body = .object(body)
        }
        var interval = defaultRefreshInterval
        if let text = call["refreshInterval"]?.stringValue {
            guard let parsed = try? GoDuration(parsing: text), parsed.nanoseconds > 0 else {
                throw invalid("apiCall.refreshInterval", "\(text) is not a positive duration")
            }
            interval = .nanoseconds(parsed.nanoseconds)
        }
        var retryLimit = defaultRetryLimit
        if let limit = call["retryLimit"] {
            guard let value = limit.intValue, value >= 1 else {
                throw invalid("apiCall.retryLimit", "must be an integer of at least 1")
            }
            retryLimit = value
        }
        return .apiCall(request, refreshInterval: interval, retryLimit: retryLimit)
    }
}
