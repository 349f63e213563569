/// The manifest media types the client asks for and understands.
enum MediaType {
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"

    /// The `Accept` header of manifest requests: indexes first, then single manifests.
    static let manifestAccept = [ociIndex, dockerManifestList, ociManifest, dockerManifest].joined(separator: ", ")

    static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerManifestList }
    static func isManifest(_ type: String) -> Bool { type == ociManifest || type == dockerManifest }
}
