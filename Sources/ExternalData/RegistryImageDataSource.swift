import Failures
import Foundation
public import JSONValue
public import KubeClient
public import OCIRegistry
public import PolicyEngine

/// Image lookups through the OCI registry client, for the controller and the CLI.
///
/// Credentials are the client's own (a mounted Docker config, `--registry-credentials`) merged with the
/// `kubernetes.io/dockerconfigjson` (or `dockercfg`) Secrets an entry names in
/// `imageRegistryCredentials.secrets`, read from ``secretNamespace`` as Kyverno reads them from its own
/// namespace. Failures become ``ContextProviderError``s whose kind is the registry's failure class, so
/// results carry `imageError: <class>`.
public struct RegistryImageDataSource: ImageDataSource {
    public let client: RegistryClient
    /// The cluster client that reads credential Secrets; `nil` when there is no cluster (the CLI).
    public let kube: KubeClient?
    /// Where named Secrets are read (the controller's namespace).
    public let secretNamespace: String

    public init(client: RegistryClient, kube: KubeClient? = nil, secretNamespace: String = "default") {
        self.client = client
        self.kube = kube
        self.secretNamespace = secretNamespace
    }

    public func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        var options = RegistryClient.LookupOptions(allowInsecure: credentials?.allowInsecureRegistry ?? false)
        if let secrets = credentials?.secrets, !secrets.isEmpty {
            options.credentials = try await secretCredentials(secrets)
        }
        do {
            return try await client.imageData(reference: reference, options: options)
        } catch {
            throw ContextProviderError(error.errorClass, "\(error.errorClass): \(error.cause)")
        }
    }

    private static let secrets = GroupVersionResource(group: "", version: "v1", resource: "secrets")

    /// The credentials of the named Secrets, merged in order.
    /// - Throws: ``ContextProviderError`` naming the Secret when it is missing, unreadable or malformed.
    private func secretCredentials(_ names: [String]) async throws(ContextProviderError) -> RegistryCredentials {
        guard let kube else {
            throw ContextProviderError(
                .unavailable, "imageRegistryCredentials.secrets \(names) need a cluster; use --registry-credentials")
        }
        var merged = RegistryCredentials()
        for name in names {
            let secret: JSONValue
            do {
                secret = try await kube.get(Self.secrets, namespace: secretNamespace, name: name)
            } catch {
                throw ContextProviderError(.unauthorized, "secret \(secretNamespace)/\(name): \(error)")
            }
            let data = secret["data"]?[".dockerconfigjson"]?.stringValue ?? secret["data"]?[".dockercfg"]?.stringValue
            guard let data, let bytes = Data(base64Encoded: data) else {
                throw ContextProviderError(
                    .invalid, "secret \(secretNamespace)/\(name) has no data.\".dockerconfigjson\" or \".dockercfg\"")
            }
            do {
                merged = merged.merging(
                    try RegistryCredentials(dockerConfig: bytes, source: "secret \(secretNamespace)/\(name)"))
            } catch {
                throw ContextProviderError(.invalid, "\(error)")
            }
        }
        return merged
    }
}
