import Failures
public import JSONValue
public import PolicyEngine

/// Where `imageRegistry` context entries get image metadata. The controller calls it for every lookup;
/// an implementation backed by an OCI registry client caches and classifies failures itself.
public protocol ImageDataSource: Sendable {
    /// Image metadata in Kyverno's `imageRegistry` shape
    /// (`{image, resolvedImage, registry, repository, identifier, manifest, configData}`).
    ///
    /// - Throws: ``ContextProviderError`` whose kind classifies the failure (`unreachable`, `not-found`,
    ///   `unauthorized`, `timeout`); the message names the image and the cause.
    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue
}

/// The image source used when no registry client is configured: every lookup fails with `unavailable`.
public struct UnavailableImageDataSource: ImageDataSource {
    public init() {}

    public func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "no image registry client is configured to look up \(reference)")
    }
}
