import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A self-signed certificate authority and a serving certificate it signed, generated in memory at start
/// (ECDSA P-256). The CA goes into the kubeconfig's `certificate-authority-data`; it also issues client
/// certificates, which the server accepts as kube-apiserver accepts certificates signed by its
/// `--client-ca-file` (common name = user, organizations = groups).
public struct CertificateAuthority: Sendable {
    /// The CA certificate, PEM.
    public let caCertificatePEM: String
    /// The serving certificate, PEM.
    public let servingCertificatePEM: String
    /// The serving key, PKCS#8 PEM.
    public let servingKeyPEM: String
    private let caCertificate: Certificate
    private let caKey: P256.Signing.PrivateKey

    /// Generates a CA and a serving certificate for `localhost`, `127.0.0.1` and `::1` (plus `hosts`).
    /// - Throws: an error from swift-certificates when a certificate cannot be built.
    public init(hosts: [String] = [], validity: TimeInterval = 365 * 24 * 3600) throws {
        let now = Date()
        let notBefore = now.addingTimeInterval(-3600)
        let notAfter = now.addingTimeInterval(validity)
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("vigil-local-apiserver-ca") }
        let caCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(caKey.publicKey), notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(caKey.publicKey))
            },
            issuerPrivateKey: .init(caKey))
        var names: [GeneralName] = [
            .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
            .ipAddress(ASN1OctetString(contentBytes: ArraySlice(repeating: 0, count: 15) + [1])),
        ]
        for host in hosts {
            if let octets = Self.ipv4Octets(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets))))
            } else {
                names.append(.dnsName(host))
            }
        }
        let (servingCertificate, servingKey) = try Self.issueLeaf(
            subject: try DistinguishedName { CommonName("vigil-local-apiserver") },
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true),
            extendedKeyUsage: try ExtendedKeyUsage([.serverAuth]), alternativeNames: names,
            notBefore: notBefore, notAfter: notAfter, caName: caName, caKey: caKey)
        self.caCertificate = caCertificate
        self.caKey = caKey
        caCertificatePEM = try caCertificate.serializeAsPEM().pemString
        servingCertificatePEM = try servingCertificate.serializeAsPEM().pemString
        servingKeyPEM = servingKey.pemRepresentation
    }

    /// A client certificate and key (PEM) for `user` in `groups`, signed by this CA, as `kubeadm` issues
    /// `admin.conf`'s: common name = user, organizations = groups, extended key usage clientAuth.
    /// - Throws: an error from swift-certificates when the certificate cannot be built.
    public func issueClientCertificate(
        user: String, groups: [String] = [], validity: TimeInterval = 24 * 3600
    ) throws -> (certificatePEM: String, keyPEM: String) {
        let now = Date()
        let subject = try DistinguishedName {
            for group in groups { OrganizationName(group) }
            CommonName(user)
        }
        let (certificate, key) = try Self.issueLeaf(
            subject: subject, keyUsage: KeyUsage(digitalSignature: true),
            extendedKeyUsage: try ExtendedKeyUsage([.clientAuth]), alternativeNames: nil,
            notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(validity),
            caName: caCertificate.subject, caKey: caKey)
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    /// A new P-256 key and a leaf certificate for it, signed by the CA: not a CA itself, with the given
    /// usages and alternative names, and the CA's key identifier.
    private static func issueLeaf(
        subject: DistinguishedName, keyUsage: KeyUsage, extendedKeyUsage: ExtendedKeyUsage,
        alternativeNames: [GeneralName]?, notBefore: Date, notAfter: Date, caName: DistinguishedName,
        caKey: P256.Signing.PrivateKey
    ) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey), notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: caName, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(keyUsage)
                extendedKeyUsage
                if let alternativeNames { SubjectAlternativeNames(alternativeNames) }
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(caKey.publicKey)).keyIdentifier)
            },
            issuerPrivateKey: .init(caKey))
        return (certificate, key)
    }

    /// The certificates of a client CA bundle.
    /// - Throws: ``InvalidCertificateAuthority`` when the text holds no PEM certificate or a broken one.
    static func clientCertificateAuthorities(_ pem: String) throws -> [NIOSSLCertificate] {
        let roots: [NIOSSLCertificate]
        do {
            roots = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        } catch {
            throw InvalidCertificateAuthority(reason: "cannot parse the PEM certificates (\(error))")
        }
        guard !roots.isEmpty else { throw InvalidCertificateAuthority(reason: "no PEM certificate found") }
        return roots
    }

    /// A client CA bundle that cannot be used.
    public struct InvalidCertificateAuthority: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "invalid client certificate authority: \(reason)" }
    }

    static func ipv4Octets(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { UInt8($0) }
        return octets.count == 4 ? octets : nil
    }

    /// A server TLS configuration with this serving certificate, offering HTTP/2 and HTTP/1.1 by ALPN,
    /// accepting client certificates signed by `clientCertificateAuthorityPEM` (this CA when `nil`).
    /// - Throws: `NIOSSLError` when the PEM cannot be loaded.
    public func serverConfiguration(clientCertificateAuthorityPEM: String? = nil) throws -> TLSConfiguration {
        try Self.serverConfiguration(
            certificatePEM: servingCertificatePEM, keyPEM: servingKeyPEM,
            clientCertificateAuthorityPEM: clientCertificateAuthorityPEM ?? caCertificatePEM)
    }

    /// A server TLS configuration from PEM text (certificate chain, private key). With a client CA, clients
    /// may present a certificate; one that does not verify against it fails the handshake, as with
    /// kube-apiserver's `--client-ca-file`, and clients without one go on to token authentication.
    static func serverConfiguration(
        certificatePEM: String, keyPEM: String, clientCertificateAuthorityPEM: String?
    ) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        if let clientCertificateAuthorityPEM {
            let roots = try clientCertificateAuthorities(clientCertificateAuthorityPEM)
            configuration.trustRoots = .certificates(roots)
            configuration.certificateVerification = .optionalVerification
        }
        configuration.applicationProtocols = ["h2", "http/1.1"]
        return configuration
    }
}
