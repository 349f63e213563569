public import ContainerImages
public import JSONValue

/// The metadata of one image, in the shape of Kyverno's `imageRegistry` context value.
public struct ImageData: Sendable, Hashable {
    /// The reference as written and its normalised parts.
    public var reference: RegistryReference
    /// The digest of what the reference points to (the index for a multi-platform image).
    public var digest: String
    /// The image index or manifest list when the reference points to one; `nil` for a single manifest.
    public var imageIndex: JSONValue?
    /// The image manifest (for an index, the one of the selected platform).
    public var manifest: JSONValue
    /// The image config blob (`config.User`, `config.Env`, …).
    public var configData: JSONValue

    /// Creates image data.
    public init(
        reference: RegistryReference, digest: String, imageIndex: JSONValue?, manifest: JSONValue,
        configData: JSONValue
    ) {
        self.reference = reference
        self.digest = digest
        self.imageIndex = imageIndex
        self.manifest = manifest
        self.configData = configData
    }

    /// `registry/repository@digest`.
    public var resolvedImage: String { reference.resolvedImage(digest: digest) }

    /// `{image, resolvedImage, registry, repository, identifier, imageIndex, manifest, configData}`, as the
    /// `imageRegistry` context entry exposes it (`imageIndex` is `null` for single-platform images).
    public var json: JSONValue {
        .object([
            "image": .string(reference.image),
            "resolvedImage": .string(resolvedImage),
            "registry": .string(reference.registry),
            "repository": .string(reference.repository),
            "identifier": .string(reference.identifier),
            "imageIndex": imageIndex ?? .null,
            "manifest": manifest,
            "configData": configData,
        ])
    }
}
