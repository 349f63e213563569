/// TLS settings: which certificate authorities to trust, which client identity to present, and which name
/// the server certificate must carry.
///
/// Peer verification (certificate chain and host name) is always on unless ``insecureSkipVerify`` is set
/// explicitly. PEM data given in memory is handed to libcurl in memory and never written to disk.
public struct TLSConfiguration: Sendable, Hashable {
    /// Where PEM data comes from.
    public enum Source: Sendable, Hashable {
        /// A PEM file on disk, read by libcurl when it connects.
        case file(String)
        /// PEM data in memory.
        case pem([UInt8])
    }

    /// The certificate authorities trusted for the server certificate. `nil` uses the system trust store;
    /// a value replaces it (only these authorities are trusted).
    public var certificateAuthority: Source?
    /// The client certificate (PEM) presented when the server asks for one. Requires ``clientKey``.
    public var clientCertificate: Source?
    /// The client private key (PEM, unencrypted) matching ``clientCertificate``.
    public var clientKey: Source?
    /// The name the server certificate is checked against and sent as SNI, instead of the URL's host.
    /// The connection still goes to the URL's host and port, and the `Host` header keeps the URL's host
    /// (as kubeconfig's `tls-server-name`).
    public var serverName: String?
    /// Skips verification of the server certificate and host name. Only for explicit, informed use.
    public var insecureSkipVerify: Bool

    /// Creates TLS settings; the defaults trust the system store and verify the peer.
    public init(
        certificateAuthority: Source? = nil,
        clientCertificate: Source? = nil,
        clientKey: Source? = nil,
        serverName: String? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }
}
