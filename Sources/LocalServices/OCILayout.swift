import Crypto
import Foundation

/// Writes OCI image layouts (`oci-layout`, `index.json`, `blobs/sha256/…`) for tests to push with skopeo:
/// a single-platform image or a multi-platform index, with a chosen `config.User`.
public enum OCILayout {
    /// One platform image: its architecture and the user its config runs as (`""` or `"0"` is root).
    public struct Image: Sendable {
        public var architecture: String
        public var user: String

        public init(architecture: String = "amd64", user: String) {
            self.architecture = architecture
            self.user = user
        }
    }

    /// A written blob.
    public struct Descriptor: Sendable {
        public var mediaType: String
        public var digest: String
        public var size: Int
    }

    public static func sha256(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    private static func writeBlob(_ data: Data, mediaType: String, in directory: URL) throws -> Descriptor {
        let digest = sha256(data)
        let blobs = directory.appendingPathComponent("blobs/sha256")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try data.write(to: blobs.appendingPathComponent(String(digest.dropFirst(7))))
        return Descriptor(mediaType: mediaType, digest: digest, size: data.count)
    }

    private static func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private static func descriptor(_ d: Descriptor, extra: [String: Any] = [:]) -> [String: Any] {
        var object: [String: Any] = ["mediaType": d.mediaType, "digest": d.digest, "size": d.size]
        for (key, value) in extra { object[key] = value }
        return object
    }

    /// Writes the layer, config and manifest of one image; returns the manifest descriptor.
    private static func writeImage(_ image: Image, in directory: URL) throws -> Descriptor {
        // An empty tar archive: two zero blocks. Distinct per architecture so images differ.
        var layerData = Data(count: 1024)
        layerData.append(Data(image.architecture.utf8))
        let layer = try writeBlob(layerData, mediaType: "application/vnd.oci.image.layer.v1.tar", in: directory)
        let config: [String: Any] = [
            "architecture": image.architecture, "os": "linux",
            "config": ["User": image.user, "Env": ["PATH=/usr/bin"]],
            "rootfs": ["type": "layers", "diff_ids": [layer.digest]],
        ]
        let configBlob = try writeBlob(
            try json(config), mediaType: "application/vnd.oci.image.config.v1+json", in: directory)
        let manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": descriptor(configBlob), "layers": [descriptor(layer)],
        ]
        return try writeBlob(try json(manifest), mediaType: "application/vnd.oci.image.manifest.v1+json", in: directory)
    }

    private static func writeLayoutFiles(top: Descriptor, tag: String, in directory: URL) throws {
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: directory.appendingPathComponent("oci-layout"))
        let index: [String: Any] = [
            "schemaVersion": 2,
            "manifests": [descriptor(top, extra: ["annotations": ["org.opencontainers.image.ref.name": tag]])],
        ]
        try json(index).write(to: directory.appendingPathComponent("index.json"))
    }

    /// A layout with one single-platform image tagged `tag`. Returns the manifest digest.
    @discardableResult
    public static func writeSingle(_ image: Image, tag: String, to directory: URL) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let manifest = try writeImage(image, in: directory)
        try writeLayoutFiles(top: manifest, tag: tag, in: directory)
        return manifest.digest
    }

    /// A layout with an image index of several platforms tagged `tag`. Returns the index digest.
    @discardableResult
    public static func writeIndex(_ images: [Image], tag: String, to directory: URL) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var manifests: [[String: Any]] = []
        for image in images {
            let manifest = try writeImage(image, in: directory)
            manifests.append(
                descriptor(manifest, extra: ["platform": ["os": "linux", "architecture": image.architecture]]))
        }
        let index: [String: Any] = [
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests,
        ]
        let top = try writeBlob(try json(index), mediaType: "application/vnd.oci.image.index.v1+json", in: directory)
        try writeLayoutFiles(top: top, tag: tag, in: directory)
        return top.digest
    }
}
