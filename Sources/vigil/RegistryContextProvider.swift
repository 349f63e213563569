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
        try await Self.imageData(client, reference: reference, credentials: credentials)
    }

    func globalReference(name: String) async throws -> JSONValue {
        try await base.globalReference(name: name)
    }

    /// One lookup with the policy's `allowInsecureRegistry`, registry errors mapped to provider errors.
    /// (`imageRegistryCredentials.secrets` need a cluster; the CLI uses `--registry-credentials`.)
    static func imageData(_ client: RegistryClient, reference: String, credentials: ImageRegistryCredentials?)
        async throws(ContextProviderError) -> JSONValue
    {
        let options = RegistryClient.LookupOptions(allowInsecure: credentials?.allowInsecureRegistry ?? false)
        do {
            return try await client.imageData(reference: reference, options: options)
        } catch {
            let kind = ContextProviderError.Kind(rawValue: error.errorClass.rawValue) ?? .invalid
            throw ContextProviderError(kind, "\(error.errorClass): \(error.cause)")
        }
    }
}
