public import HTTPClient

extension RegistryClient {
    /// The platform picked from a multi-platform image index.
    public struct Platform: Sendable, Hashable, CustomStringConvertible {
        /// The operating system, e.g. `linux`.
        public var os: String
        /// The CPU architecture, e.g. `amd64`, `arm64`.
        public var architecture: String
        /// The variant, e.g. `v8`; `nil` matches any variant.
        public var variant: String?

        /// Creates a platform.
        public init(os: String, architecture: String, variant: String? = nil) {
            self.os = os
            self.architecture = architecture
            self.variant = variant
        }

        /// Parses `os/architecture[/variant]`, e.g. `linux/arm64/v8`; `nil` when malformed.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || parts.count == 3, !parts.contains(where: \.isEmpty) else { return nil }
            self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
        }

        /// `linux/amd64`, as Kyverno (go-containerregistry) picks by default.
        public static let linuxAMD64 = Platform(os: "linux", architecture: "amd64")

        public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
    }

    /// Settings of a ``RegistryClient``. Durations are wall-clock.
    public struct Configuration: Sendable {
        /// Registries (`host` or `host:port`, as in references) reached over plain HTTP instead of HTTPS.
        /// Only registries listed here are ever contacted without TLS.
        public var insecureRegistries: Set<String>
        /// CA bundles by registry (`host` or `host:port`); they replace the default trust for that registry.
        public var certificateAuthorities: [String: TLSConfiguration.Source]
        /// The CA bundle for registries without their own entry; `nil` uses the system trust store.
        public var defaultCertificateAuthority: TLSConfiguration.Source?
        /// Credentials used for every lookup; a lookup's own credentials are added on top.
        public var credentials: RegistryCredentials
        /// The platform selected from image indexes. Default `linux/amd64`.
        public var platform: Platform
        /// How long connecting (TCP and TLS) may take. Default 5 s.
        public var connectTimeout: Duration
        /// How long one whole lookup (token, manifests and config, redirects included) may take. Default 20 s.
        public var timeout: Duration
        /// How long a successful lookup is reused. Default 10 minutes.
        public var cacheTTL: Duration
        /// How long a failed lookup is answered from the negative cache. Default 30 s.
        public var negativeCacheTTL: Duration
        /// The most lookups kept in the cache; the oldest are dropped first. Default 10,000.
        public var maximumCacheEntries: Int
        /// Consecutive connection-level failures (unreachable, timeout, tls) of one registry that open its
        /// circuit breaker. Default 3.
        public var breakerThreshold: Int
        /// How long an open breaker answers instantly before one lookup is let through to probe the registry.
        /// Default 30 s.
        public var breakerCooldown: Duration
        /// The largest manifest or config blob accepted, in bytes. Default 8 MiB.
        public var maximumDocumentSize: Int
        /// The `User-Agent` header. Default `vigil`.
        public var userAgent: String

        /// Creates a configuration with the documented defaults.
        public init(
            insecureRegistries: Set<String> = [],
            certificateAuthorities: [String: TLSConfiguration.Source] = [:],
            defaultCertificateAuthority: TLSConfiguration.Source? = nil,
            credentials: RegistryCredentials = RegistryCredentials(),
            platform: Platform = .linuxAMD64,
            connectTimeout: Duration = .seconds(5),
            timeout: Duration = .seconds(20),
            cacheTTL: Duration = .seconds(600),
            negativeCacheTTL: Duration = .seconds(30),
            maximumCacheEntries: Int = 10_000,
            breakerThreshold: Int = 3,
            breakerCooldown: Duration = .seconds(30),
            maximumDocumentSize: Int = 8 << 20,
            userAgent: String = "vigil"
        ) {
            self.insecureRegistries = insecureRegistries
            self.certificateAuthorities = certificateAuthorities
            self.defaultCertificateAuthority = defaultCertificateAuthority
            self.credentials = credentials
            self.platform = platform
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.cacheTTL = cacheTTL
            self.negativeCacheTTL = negativeCacheTTL
            self.maximumCacheEntries = maximumCacheEntries
            self.breakerThreshold = breakerThreshold
            self.breakerCooldown = breakerCooldown
            self.maximumDocumentSize = maximumDocumentSize
            self.userAgent = userAgent
        }

        /// The TLS settings for a registry: its own CA bundle, else the default one, else the system store.
        func tls(for registry: String) -> TLSConfiguration {
            TLSConfiguration(certificateAuthority: certificateAuthorities[registry] ?? defaultCertificateAuthority)
        }
    }
}
