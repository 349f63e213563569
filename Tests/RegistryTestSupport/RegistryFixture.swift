import Foundation
@_exported import LocalServices

/// Three real registries with test images, started once per test process:
/// - `plain` (HTTP, anonymous): `app:1.0` (single platform, runs as root: `User ""`), `app:nonroot`
///   (`User "1000"`), `multi:1.0` (index: amd64 runs as `"0"`, arm64 as `"1000"`);
/// - `auth` (HTTP, htpasswd `vigil` / `s3cret`): `private:1.0`;
/// - `secure` (TLS with a generated CA): `app:1.0`.
public final class RegistryFixture: Sendable {
    public let plain: LocalRegistry
    public let auth: LocalRegistry
    public let secure: LocalRegistry
    public let certificates: TestCertificates
    /// Manifest digest of `app:1.0` (on `plain` and `secure`).
    public let appDigest: String
    /// Manifest digest of `app:nonroot`.
    public let nonRootDigest: String
    /// Index digest of `multi:1.0`.
    public let multiDigest: String
    public static let user = "vigil"
    public static let password = "s3cret"

    /// The fixture, or the reason it is unavailable (tools missing, or start-up failed).
    public static let shared: Result<RegistryFixture, ToolError> = {
        guard LocalRegistry.toolsAvailable else {
            return .failure(ToolError(message: LocalRegistry.missingToolsMessage))
        }
        do {
            return .success(try RegistryFixture())
        } catch {
            return .failure(ToolError(message: "registry fixture failed: \(error)"))
        }
    }()

    private init() throws {
        let layouts = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-layouts-\(UUID())")
        let root = layouts.appendingPathComponent("root")
        let nonRoot = layouts.appendingPathComponent("nonroot")
        let multi = layouts.appendingPathComponent("multi")
        try OCILayout.writeSingle(.init(user: ""), tag: "1.0", to: root)
        try OCILayout.writeSingle(.init(user: "1000"), tag: "nonroot", to: nonRoot)
        try OCILayout.writeIndex(
            [.init(architecture: "amd64", user: "0"), .init(architecture: "arm64", user: "1000")], tag: "1.0",
            to: multi)
        certificates = try TestCertificates()
        plain = try LocalRegistry()
        auth = try LocalRegistry(htpasswd: try HTPasswd.line(user: Self.user, password: Self.password))
        secure = try LocalRegistry(certificate: (certificates.serverCertificate, certificates.serverKey))
        try plain.push(layout: root, tag: "1.0", repository: "app")
        try plain.push(layout: nonRoot, tag: "nonroot", repository: "app")
        try plain.push(layout: multi, tag: "1.0", repository: "multi")
        try auth.push(layout: root, tag: "1.0", repository: "private", credentials: "\(Self.user):\(Self.password)")
        try secure.push(layout: root, tag: "1.0", repository: "app", caDirectory: certificates.caDirectory)
        // skopeo rewrites manifests while copying: read the digests the registry serves.
        appDigest = try plain.digest(of: "app:1.0")
        nonRootDigest = try plain.digest(of: "app:nonroot")
        multiDigest = try plain.digest(of: "multi:1.0")
        try? FileManager.default.removeItem(at: layouts)
    }

    /// A Docker config JSON with the auth registry's credentials (`auth` field, base64).
    public func dockerConfig(password: String = RegistryFixture.password) -> String {
        let auth = Data("\(Self.user):\(password)".utf8).base64EncodedString()
        return #"{"auths": {"\#(self.auth.host)": {"auth": "\#(auth)"}}}"#
    }
}
