import Controller
import JSONValue
import OCIRegistry
import PolicyEngine

/// A ``ContextProvider`` that answers `imageRegistry` entries from a live ``RegistryClient`` and everything
/// else from another provider. Registry failures become ``ContextProviderError``s whose kind is the
/// failure class (`not-found`, `unreachable`, `timeout`, `tls`, `unauthorized`, `invalid`), so rule results
/// carry `imageError: <class>`.
struct RegistryContextProvider: ContextProvider {
    let base: any ContextProvider
    let client: RegistryClient

    func namespaceLabels(namespace: String) async throws -> [String: String] {
        try await base.namespaceLabels(namespace: namespace)
    }

    func configMap(namespace: String, name: String) async throws -> JSONValue {
        try await base.configMap(namespace: namespace, name: name)
    }

    func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        try await base.apiCall(request)
    }

    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        try await RegistryImageDataSource(client: client).imageData(reference: reference, credentials: credentials)
    }

    func globalReference(name: String) async throws -> JSONValue {
        try await base.globalReference(name: name)
    }
}
