/// An image reference normalised for a registry lookup, as `go-containerregistry`'s `name.ParseReference`
/// does for Kyverno's `imageRegistry` context entries: `docker.io` (or no registry) becomes
/// `index.docker.io`, a single-component repository on it gets `library/`, a reference without tag or
/// digest gets `latest`, and a digest wins over a tag (`nginx:1.25@sha256:…` is looked up by digest).
///
/// Its fields are those of Kyverno's image data: ``registry``, ``repository``, ``identifier``; and
/// ``resolvedImage(digest:)`` builds `resolvedImage`.
public struct RegistryReference: Sendable, Hashable, CustomStringConvertible {
    /// The reference as written, e.g. `nginx:1.25`.
    public var image: String
    /// The registry host (and port), e.g. `index.docker.io`, `ghcr.io`, `localhost:5000`.
    public var registry: String
    /// The repository path, e.g. `library/nginx`, `org/team/app`.
    public var repository: String
    /// The tag; empty when the reference has a digest.
    public var tag: String
    /// The digest, e.g. `sha256:…`; empty when the reference is by tag.
    public var digest: String

    /// The registry Docker Hub references resolve to.
    public static let dockerHubRegistry = "index.docker.io"

    /// The digest when there is one, the tag otherwise (`latest` by default): what the manifest is fetched by.
    public var identifier: String { digest.isEmpty ? tag : digest }

    /// `registry/repository`, e.g. `index.docker.io/library/nginx`.
    public var name: String { "\(registry)/\(repository)" }

    /// `registry/repository@digest` (Kyverno's `resolvedImage`).
    public func resolvedImage(digest: String) -> String { "\(name)@\(digest)" }

    /// `registry/repository:tag` or `registry/repository@digest`.
    public var description: String { digest.isEmpty ? "\(name):\(tag)" : "\(name)@\(digest)" }

    /// Parses and normalises a reference.
    /// - Throws: ``ImageReferenceError`` naming the reference when it is malformed (bad characters, upper
    ///   case repository, bad tag, unsupported or malformed digest, name over 255 characters).
    public init(parsing image: String) throws(ImageReferenceError) {
        let parsed: ImageReference
        do {
            parsed = try ImageReference.parseReference(
                ImageReference.addingDefaultRegistry(image, ImageReference.defaultRegistry))
        } catch {
            throw ImageReferenceError(message: "could not parse reference: \(image): \(error.message)")
        }
        self.image = image
        self.registry = parsed.registry == ImageReference.defaultRegistry ? Self.dockerHubRegistry : parsed.registry
        self.repository =
            self.registry == Self.dockerHubRegistry && !parsed.path.contains("/")
            ? "library/" + parsed.path : parsed.path
        self.digest = parsed.digest
        self.tag = parsed.digest.isEmpty ? (parsed.tag.isEmpty ? "latest" : parsed.tag) : ""
    }
}
