import JSONValue
import KubeClient
import PolicyEngine

/// The ``ContextProvider`` of the running controller: namespace labels from the Namespace informer,
/// ConfigMaps and `apiCall` URL paths through the Kubernetes client, images through an
/// ``ImageDataSource``. Service calls and `globalReference` entries are not supported and fail the rule
/// with a clear message.
public struct ClusterContextProvider: ContextProvider {
    let client: KubeClient
    let namespaces: NamespaceLabels
    let images: any ImageDataSource

    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    public init(client: KubeClient, namespaces: NamespaceLabels, images: any ImageDataSource) {
        self.client = client
        self.namespaces = namespaces
        self.images = images
    }

    public func namespaceLabels(namespace: String) async throws -> [String: String] {
        namespaces.labels(of: namespace)
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
            throw ContextProviderError(
                .unavailable, "service calls are not supported: \(request.serviceURL ?? "no URL")")
        }
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
            throw ContextProviderError(.invalid, "the response of \(path) is not JSON: \(error)")
        }
    }

    public func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        try await images.imageData(reference: reference, credentials: credentials)
    }

    public func globalReference(name: String) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "globalReference entries are not supported (entry \(name))")
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
