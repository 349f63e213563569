import Foundation
import JSONValue

/// The credentials to put on a request.
public struct Credentials: Sendable, Hashable {
    /// The `Authorization` header value (`Bearer …` or `Basic …`), if any.
    public var authorization: String?
    /// A client certificate from an exec plugin (kubeconfig certificates are part of the TLS settings).
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// When these credentials expire, if known.
    public var expiration: Date?

    public init(
        authorization: String? = nil,
        clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil,
        expiration: Date? = nil
    ) {
        self.authorization = authorization
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.expiration = expiration
    }

    public static let none = Credentials()
}
