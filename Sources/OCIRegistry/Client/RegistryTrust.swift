import Foundation

/// CA bundles for registries.
public enum RegistryTrust {
    /// Where Linux distributions keep the system CA bundle.
    static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
    ]

    /// The system CA bundle with the PEM file's certificates appended, for
    /// ``RegistryClient/Configuration/defaultCertificateAuthority`` (libcurl replaces the system store with
    /// a given bundle, so "adding" a CA means concatenating).
    /// - Throws: ``RegistryConfigurationError`` when the file cannot be read or holds no PEM certificate.
    public static func bundle(adding path: String) throws(RegistryConfigurationError) -> [UInt8] {
        guard let added = FileManager.default.contents(atPath: path) else {
            throw RegistryConfigurationError(source: path, message: "cannot read the file")
        }
        guard String(decoding: added, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw RegistryConfigurationError(source: path, message: "no PEM certificate in the file")
        }
        var bundle: [UInt8] = []
        if let system = systemBundles.lazy.compactMap({ FileManager.default.contents(atPath: $0) }).first {
            bundle = Array(system)
            if bundle.last != UInt8(ascii: "\n") { bundle.append(UInt8(ascii: "\n")) }
        }
        return bundle + Array(added)
    }
}
