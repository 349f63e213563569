import ExternalData
import Failures
import JSONValue
import OCIRegistry
import PolicyEngine

/// A ``ContextProvider`` for `vigil apply --registry` / `--service-calls`: `imageRegistry` entries from a
/// live ``RegistryClient``, `apiCall.service` calls from a live ``ServiceCallClient`` (after the mocks of
/// the base provider), and everything else from the base provider. Failures become
/// ``ContextProviderError``s whose kind is the failure class, so rule results carry `imageError: <class>`
/// or `serviceError: <class>`.
struct LiveContextProvider: ContextProvider {
    let base: any ContextProvider
    let registry: RegistryClient?
    let services: ServiceCallClient?

    func namespaceLabels(namespace: String) async throws -> [String: String] {
        try await base.namespaceLabels(namespace: namespace)
    }

    func configMap(namespace: String, name: String) async throws -> JSONValue {
        try await base.configMap(namespace: namespace, name: name)
    }

    func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        guard let services, request.urlPath == nil, request.serviceURL != nil else {
            return try await base.apiCall(request)
        }
        do {
            return try await base.apiCall(request)
        } catch let error as ContextProviderError where error.kind == .unavailable {
            return try await services.call(request)
        }
    }

    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        guard let registry else { return try await base.imageData(reference: reference, credentials: credentials) }
        return try await RegistryImageDataSource(client: registry).imageData(
            reference: reference, credentials: credentials)
    }

    func globalReference(name: String) async throws -> JSONValue {
        try await base.globalReference(name: name)
    }

    /// The base's Namespace objects (not the labels-only default).
    func namespaceObject(name: String) async throws -> JSONValue? {
        try await base.namespaceObject(name: name)
    }

    /// CEL `http` calls: the base's mocks first, then the live service.
    func celHTTPRequest(_ request: APICallRequest) async throws -> JSONValue {
        do {
            return try await base.celHTTPRequest(request)
        } catch let error as ContextProviderError where error.kind == .unavailable {
            guard let services, request.urlPath == nil, request.serviceURL != nil else { throw error }
            return celHTTPResult(try await services.call(request))
        }
    }
}
