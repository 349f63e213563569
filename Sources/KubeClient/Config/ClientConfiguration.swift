import JSONValue

/// Everything needed to talk to one API server: where, how to trust it, who to be, and how fast.
public struct ClientConfiguration: Sendable, Hashable {
    /// TLS settings, with certificates and keys as PEM bytes.
    public struct TLS: Sendable, Hashable {
        /// PEM CA bundle that the server's certificate must chain to; `nil` uses the system roots.
        public var certificateAuthorityPEM: [UInt8]?
        /// Disables verification of the server certificate. Only ever set by an explicit
        /// `insecure-skip-tls-verify: true`; never a fallback.
        public var insecureSkipVerify: Bool
        /// The name to verify the server certificate against (and send as SNI), when not the host.
        public var serverName: String?
        /// A PEM client certificate (chain) for mutual TLS.
        public var clientCertificatePEM: [UInt8]?
        /// The PEM private key of ``clientCertificatePEM``.
        public var clientKeyPEM: [UInt8]?

        public init(
            certificateAuthorityPEM: [UInt8]? = nil,
            insecureSkipVerify: Bool = false,
            serverName: String? = nil,
            clientCertificatePEM: [UInt8]? = nil,
            clientKeyPEM: [UInt8]? = nil
        ) {
            self.certificateAuthorityPEM = certificateAuthorityPEM
            self.insecureSkipVerify = insecureSkipVerify
            self.serverName = serverName
            self.clientCertificatePEM = clientCertificatePEM
            self.clientKeyPEM = clientKeyPEM
        }
    }

    /// How requests authenticate (beyond a TLS client certificate).
    public enum Authentication: Sendable, Hashable {
        case none
        /// A fixed bearer token.
        case bearerToken(String)
        /// A bearer token read from a file, re-read at most every minute and after a 401 (bound service
        /// account tokens rotate). `fallback` is used while the file cannot be read.
        case tokenFile(path: String, fallback: String?)
        /// HTTP basic authentication.
        case basic(username: String, password: String)
        /// An exec credential plugin, re-run when its credential expires or is rejected.
        case exec(ExecCredentialPlugin.Configuration)
    }

    /// The server URL, such as `https://10.0.0.1:6443`, without a trailing slash (it may carry a path
    /// prefix when the API server sits behind a proxy).
    public var server: String
    public var tls: TLS
    public var authentication: Authentication
    /// The namespace of the context, or of the service account in a pod; `default` otherwise.
    public var namespace: String
    /// The context the configuration came from, when it came from a kubeconfig.
    public var contextName: String?
    /// Client-side rate limit for non-watch requests, in requests per second (client-go default 5).
    public var qps: Double
    /// Requests allowed at once above ``qps`` (client-go default 10).
    public var burst: Int
    /// Sent as `User-Agent`.
    public var userAgent: String

    public init(
        server: String,
        tls: TLS = TLS(),
        authentication: Authentication = .none,
        namespace: String = "default",
        contextName: String? = nil,
        qps: Double = 5,
        burst: Int = 10,
        userAgent: String = "vigil"
    ) {
        self.server = ClientConfiguration.normalizedServer(server)
        self.tls = tls
        self.authentication = authentication
        self.namespace = namespace
        self.contextName = contextName
        self.qps = qps
        self.burst = burst
        self.userAgent = userAgent
    }

    /// Adds `https://` to a bare `host:port` (as client-go's `DefaultServerURL`) and drops trailing
    /// slashes.
    static func normalizedServer(_ server: String) -> String {
        var result = server.trimmingWhitespace()
        if !result.contains("://") { result = "https://" + result }
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
