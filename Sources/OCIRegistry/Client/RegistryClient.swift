import ContainerImages
import Failures
public import HTTPClient
public import JSONValue
import Logging
import Metrics

/// Looks up image metadata in OCI registries, for Kyverno's `imageRegistry` context entries.
///
/// One client is shared by every caller (all policies, all workers): lookups of the same image share one
/// network request (single-flight), successes are cached for ``Configuration/cacheTTL``, failures for
/// ``Configuration/negativeCacheTTL``, and a registry that fails at connection level
/// ``Configuration/breakerThreshold`` times in a row is answered instantly from its circuit breaker for
/// ``Configuration/breakerCooldown`` before one probe goes through again.
///
/// ```swift
/// let registries = try RegistryClient(configuration: .init(insecureRegistries: ["127.0.0.1:5000"]))
/// let data = try await registries.imageData(reference: "ghcr.io/org/app:1.0")   // Kyverno's shape
/// ```
///
/// Emits `vigil_registry_lookups_total{class,cache}` for every answered lookup and
/// `vigil_registry_lookup_duration_seconds` for network lookups. Call ``shutdown()`` when done.
public final class RegistryClient: Sendable {
    /// The settings of this client.
    public let configuration: Configuration
    private let http: HTTPClient
    private let ownsHTTPClient: Bool
    private let cache: LookupCache
    private let statisticsBox = StatisticsBox()
    private let logger: Logger

    /// Creates a client with its own libcurl ``HTTPClient`` (connect timeout from the configuration).
    /// - Throws: ``HTTPClientError`` when libcurl cannot be initialised.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "vigil.registry"))
        throws(HTTPClientError)
    {
        self.configuration = configuration
        self.http = try HTTPClient(
            configuration: HTTPClient.Configuration(
                connectTimeout: configuration.connectTimeout, timeout: configuration.timeout,
                maximumResponseBodySize: max(configuration.maximumDocumentSize, 1 << 20),
                userAgent: configuration.userAgent))
        self.ownsHTTPClient = true
        self.cache = LookupCache(configuration: configuration)
        self.logger = logger
    }

    /// Creates a client over an existing ``HTTPClient`` (its connect timeout applies; ``shutdown()`` leaves it
    /// running).
    public init(
        configuration: Configuration = Configuration(), httpClient: HTTPClient,
        logger: Logger = Logger(label: "vigil.registry")
    ) {
        self.configuration = configuration
        self.http = httpClient
        self.ownsHTTPClient = false
        self.cache = LookupCache(configuration: configuration)
        self.logger = logger
    }

    /// Per-lookup options: the policy's `imageRegistryCredentials`, resolved by the caller.
    public struct LookupOptions: Sendable, Hashable {
        /// Credentials for this lookup (for example from the policy's `imageRegistryCredentials.secrets`),
        /// added to the configured ones.
        public var credentials: RegistryCredentials
        /// The policy's `allowInsecureRegistry`: skip certificate verification.
        public var allowInsecure: Bool

        /// Creates options.
        public init(credentials: RegistryCredentials = RegistryCredentials(), allowInsecure: Bool = false) {
            self.credentials = credentials
            self.allowInsecure = allowInsecure
        }
    }

    /// Looks up an image: its manifest (the configured platform's, for an index) and config.
    /// - Parameter reference: an image reference as written in a resource, e.g. `nginx:1.25`.
    /// - Throws: ``RegistryError`` naming the image, with its ``RegistryError/Class``.
    public func lookup(reference: String, options: LookupOptions = LookupOptions()) async throws(RegistryError)
        -> ImageData
    {
        let parsed: RegistryReference
        do {
            parsed = try RegistryReference(parsing: reference)
        } catch {
            let failure = RegistryError(.invalid, image: reference, cause: error.message)
            record(.miss, .failure(failure))
            throw failure
        }
        let credentials = configuration.credentials.merging(options.credentials)
        let credential = credentials.credential(for: parsed.registry)
        let key =
            "\(parsed.description) user=\(credential?.username ?? "") insecure=\(options.allowInsecure)"
        let http = self.http
        let configuration = self.configuration
        let (outcome, source) = await cache.lookup(key: key, registry: parsed.registry, image: reference) {
            let start = ContinuousClock.now
            var session = DistributionSession(
                http: http, reference: parsed, configuration: configuration, credential: credential,
                skipVerify: options.allowInsecure)
            let outcome: Result<ImageData, RegistryError>
            do throws(RegistryError) {
                outcome = .success(try await session.run())
            } catch {
                outcome = .failure(error)
            }
            Timer(label: "vigil_registry_lookup_duration_seconds", preferredDisplayUnit: .seconds)
                .recordInterval(since: start)
            return outcome
        }
        record(source, outcome)
        switch outcome {
        case .success(let data): return data
        case .failure(let error):
            if source == .miss {
                logger.debug("image lookup failed", metadata: ["class": "\(error.errorClass)", "error": "\(error)"])
            }
            throw error
        }
    }

    /// The image metadata as Kyverno's `imageRegistry` context value: `{image, resolvedImage, registry,
    /// repository, identifier, imageIndex, manifest, configData}` (see ``ImageData/json``).
    /// - Throws: ``RegistryError`` naming the image, with its ``RegistryError/Class``.
    public func imageData(reference: String, options: LookupOptions = LookupOptions()) async throws(RegistryError)
        -> JSONValue
    {
        try await lookup(reference: reference, options: options).json
    }

    /// How this client's lookups were answered so far.
    public var statistics: LookupStatistics { statisticsBox.value }

    /// Forgets cached answers and closes every circuit breaker.
    public func clearCache() async { await cache.removeAll() }

    /// Shuts the client's own ``HTTPClient`` down (not one passed in). Lookups afterwards fail as unreachable.
    public func shutdown() async {
        if ownsHTTPClient { await http.shutdown() }
    }

    private func record(_ source: LookupCache.Source, _ outcome: Result<ImageData, RegistryError>) {
        let outcomeLabel: String
        switch outcome {
        case .success: outcomeLabel = "ok"
        case .failure(let error): outcomeLabel = error.errorClass.rawValue
        }
        statisticsBox.add(cache: source.rawValue, outcome: outcomeLabel)
        Counter(
            label: "vigil_registry_lookups_total", dimensions: [("class", outcomeLabel), ("cache", source.rawValue)]
        )
        .increment()
    }
}

extension Timer {
    fileprivate func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
