import ExternalData
import Failures
import JSONValue
import KubeClient
import PolicyEngine

/// The ``ContextProvider`` of the running controller: namespace labels from the Namespace informer,
/// ConfigMaps and `apiCall` URL paths through the Kubernetes client, `apiCall.service` calls through a
/// ``ServiceCallClient``, images through an ``ImageDataSource``, and `globalReference` entries from the
/// ``GlobalContextStore`` the controller keeps.
public struct ClusterContextProvider: ContextProvider {
    let client: KubeClient
    let namespaces: NamespaceLabels
    let images: any ImageDataSource
    /// Service calls; `nil` fails them as unavailable.
    let services: ServiceCallClient?
    /// GlobalContextEntry data; `nil` fails `globalReference` entries as not found.
    let globals: GlobalContextStore?

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    public init(
        client: KubeClient, namespaces: NamespaceLabels, images: any ImageDataSource,
        services: ServiceCallClient? = nil, globals: GlobalContextStore? = nil
    ) {
        self.client = client
        self.namespaces = namespaces
        self.images = images
        self.services = services
        self.globals = globals
    }

    public func namespaceLabels(namespace: String) async throws -> [String: String] {
        namespaces.labels(of: namespace)
    }

    /// The Namespace object the informer keeps (CEL policies' `namespaceObject`); one it has not seen is
    /// built from its labels.
    public func namespaceObject(name: String) async throws -> JSONValue? {
        if let object = namespaces.object(of: name) { return object }
        var labels = JSONObject()
        for (key, value) in namespaces.labels(of: name).sorted(by: { $0.key < $1.key }) { labels[key] = .string(value) }
        return .object([
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": .object(["name": .string(name), "labels": .object(labels)]),
        ])
    }

    public func configMap(namespace: String, name: String) async throws -> JSONValue {
        do {
            return try await client.get(Self.configMaps, namespace: namespace, name: name)
        } catch let error as KubeAPIError {
            throw Self.providerError(error)
        }
    }

    public func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        guard let path = request.urlPath, !path.isEmpty else {
            guard let services else {
                throw ContextProviderError(
                    .unavailable, "no service call client is configured to call \(request.serviceURL ?? "no URL")")
            }
            return try await services.call(request)
        }
        return try await Self.kubernetesCall(request, path: path, client: client)
    }

    /// An `apiCall.urlPath` call: GET (or POST with the `data` object) of a Kubernetes API path, the
    /// decoded JSON answer as the server sends it (lists keep their `items`).
    static func kubernetesCall(_ request: APICallRequest, path: String, client: KubeClient)
        async throws(ContextProviderError) -> JSONValue
    {
        guard path.hasPrefix("/") else { throw ContextProviderError(.invalid, "invalid urlPath \(path)") }
        let method = request.method.uppercased()
        let kubeRequest = KubeRequest(
            method: method == "POST" ? "POST" : "GET", path: path,
            headers: method == "POST" ? [HTTPField("Content-Type", "application/json")] : [],
            body: method == "POST" ? (request.body ?? .object([:])).serializedBytes() : nil, timeout: .seconds(30))
        do {
            let response = try await client.send(
                kubeRequest, verb: method == "POST" ? "create" : "get", resource: "apicall",
                idempotent: method != "POST")
            return try JSONValue.parse(response.body)
        } catch let error as KubeAPIError {
            throw Self.providerError(error)
        } catch let error as JSONParseError {
            throw ContextProviderError(.invalidJSON, "the response of \(path) is not JSON: \(error)")
        } catch {
            throw ContextProviderError(.unreachable, "\(request.method) \(path): \(error)")
        }
    }

    public func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        try await images.imageData(reference: reference, credentials: credentials)
    }

    public func globalReference(name: String) async throws -> JSONValue {
        guard let globals else {
            throw ContextProviderError(.notFound, "global context entry \(name) not found (no entries are watched)")
        }
        return try globals.data(reference: name)
    }

    static func providerError(_ error: KubeAPIError) -> ContextProviderError {
        let kind: ContextProviderError.Kind
        switch error.reason {
        case .notFound: kind = .notFound
        case .forbidden: kind = .forbidden
        case .unauthorized: kind = .unauthorized
        case .timeout: kind = .timeout
        default: kind = .unreachable
        }
        return ContextProviderError(kind, error.message)
    }
}
