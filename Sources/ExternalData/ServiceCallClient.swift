import Failures
import Foundation
import HTTPClient
public import JSONValue
public import PolicyEngine

/// Calls JSON web services for `apiCall.service` context entries, with Kyverno's limits and failure
/// classes, for the controller and for `vigil apply --service-calls`.
///
/// - Each call has a total timeout (Kyverno's `--apiCallTimeout`, 30 s) and a response-size limit
///   (`--maxAPICallResponseLength`, 2,000,000 bytes).
/// - `caBundle` replaces the system trust store for that call: only that CA is trusted.
/// - Identical calls (method, URL, headers, body, CA) are made once: concurrent ones join the flight in
///   progress and later ones are answered from a cache for ``Configuration/cacheTTL``, so a scan of
///   10,000 resources asking the same question sends one request.
/// - A service (scheme, host and port) that fails ``Configuration/breakerThreshold`` times in a row
///   (unreachable, timeout, TLS, 5xx) is answered instantly from its circuit breaker for
///   ``Configuration/breakerCooldown`` before one probe goes through again.
///
/// Failures are ``ContextProviderError``s whose kind is the failure class: `unreachable`, `timeout`, `tls`,
/// `http-status`, `invalid-json` or `too-large`.
public final class ServiceCallClient: Sendable {
    /// Limits and cache settings.
    public struct Configuration: Sendable {
        /// The total time of one call, connect included (Kyverno's `--apiCallTimeout`). Default 30 s.
        public var timeout: Duration
        /// The largest response body in bytes (Kyverno's `--maxAPICallResponseLength`); 0 means no limit.
        /// Default 2,000,000.
        public var maximumResponseLength: Int
        /// How long a successful answer is reused for an identical call. Default 60 s.
        public var cacheTTL: Duration
        /// How long a failed answer is reused for an identical call. Default 10 s.
        public var negativeCacheTTL: Duration
        /// Consecutive service-wide failures that open a service's circuit breaker. Default 3.
        public var breakerThreshold: Int
        /// How long an open breaker answers instantly before one call probes the service. Default 30 s.
        public var breakerCooldown: Duration

        /// Creates a configuration with the documented defaults.
        public init(
            timeout: Duration = .seconds(30), maximumResponseLength: Int = 2_000_000, cacheTTL: Duration = .seconds(60),
            negativeCacheTTL: Duration = .seconds(10), breakerThreshold: Int = 3,
            breakerCooldown: Duration = .seconds(30)
        ) {
            self.timeout = timeout
            self.maximumResponseLength = maximumResponseLength
            self.cacheTTL = cacheTTL
            self.negativeCacheTTL = negativeCacheTTL
            self.breakerThreshold = breakerThreshold
            self.breakerCooldown = breakerCooldown
        }
    }

    /// How calls were answered since the client was made.
    public struct Statistics: Sendable, Hashable {
        /// Requests sent to services.
        public var requests: Int
        /// Calls answered from the cache (successes and failures).
        public var cached: Int
        /// Calls that joined an identical call in flight.
        public var coalesced: Int
        /// Calls refused by an open circuit breaker.
        public var breaker: Int
    }

    public let configuration: Configuration
    let http: HTTPClient
    let cache: ServiceCallCache

    /// - Throws: ``HTTPClientError`` when libcurl cannot be initialised.
    public init(configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        var httpConfiguration = HTTPClient.Configuration(
            connectTimeout: min(.seconds(10), configuration.timeout), timeout: configuration.timeout,
            httpVersion: .http1_1, userAgent: "vigil")
        if configuration.maximumResponseLength > 0 {
            httpConfiguration.maximumResponseBodySize = configuration.maximumResponseLength
        }
        http = try HTTPClient(configuration: httpConfiguration)
        cache = ServiceCallCache(configuration: configuration)
    }

    /// The counters of ``Statistics``.
    public var statistics: Statistics {
        get async { await cache.statistics }
    }

    /// Closes connections; calls made afterwards fail.
    public func shutdown() async {
        await http.shutdown()
    }

    /// Forgets cached answers and closes every breaker (between scans, or in tests).
    public func removeAll() async {
        await cache.removeAll()
    }

    /// Calls the service of `request` (its `serviceURL`) and decodes the JSON answer.
    ///
    /// - Throws: ``ContextProviderError`` whose kind is the failure class and whose message names the URL.
    public func call(_ request: APICallRequest) async throws(ContextProviderError) -> JSONValue {
        guard let url = request.serviceURL, !url.isEmpty else {
            throw ContextProviderError(.invalid, "apiCall.service.url is empty")
        }
        guard let origin = Self.origin(of: url) else {
            throw ContextProviderError(.invalid, "apiCall.service.url \(url) is not an http or https URL")
        }
        let outcome = await cache.call(key: Self.key(request), service: origin) { [http, configuration] in
            await Self.perform(request, url: url, http: http, configuration: configuration)
        }
        return try outcome.get()
    }

    /// Calls the service now, past the cache and the breaker (a GlobalContextEntry refresh wants fresh data
    /// and does its own retries).
    ///
    /// - Throws: ``ContextProviderError`` whose kind is the failure class and whose message names the URL.
    public func callUncached(_ request: APICallRequest) async throws(ContextProviderError) -> JSONValue {
        guard let url = request.serviceURL, Self.origin(of: url) != nil else {
            throw ContextProviderError(
                .invalid, "apiCall.service.url \(request.serviceURL ?? "") is not an http or https URL")
        }
        await cache.countRequest()
        return try await Self.perform(request, url: url, http: http, configuration: configuration).outcome.get()
    }

    /// `scheme://host:port`, the unit of the circuit breaker.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        return "\(scheme)://\(host):\(components.port ?? (scheme == "https" ? 443 : 80))"
    }

    /// Everything that makes two calls identical.
    static func key(_ request: APICallRequest) -> String {
        var parts = [request.method.uppercased(), request.serviceURL ?? ""]
        parts += request.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        parts.append(request.body?.serialized() ?? "")
        parts.append(request.caBundle ?? "")
        return parts.joined(separator: "\n")
    }

    private static func perform(
        _ request: APICallRequest, url: String, http: HTTPClient, configuration: Configuration
    ) async -> ServiceCallCache.Attempt {
        let method: HTTPMethod = request.method.uppercased() == "POST" ? .post : .get
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        var body: [UInt8]?
        if method == .post {
            headers.add(name: "Content-Type", value: "application/json")
            body = (request.body ?? .object([:])).serializedBytes()
        }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        var tls: TLSConfiguration?
        if let caBundle = request.caBundle, !caBundle.isEmpty {
            guard caBundle.contains("-----BEGIN CERTIFICATE-----") else {
                return ServiceCallCache.Attempt(
                    outcome: .failure(
                        ContextProviderError(.tls, "failed to parse PEM CA bundle for \(method.rawValue) \(url)")),
                    isServiceFailure: false)
            }
            tls = TLSConfiguration(certificateAuthority: .pem(Array(caBundle.utf8)))
        }
        let response: HTTPResponse
        do {
            response = try await http.execute(
                HTTPRequest(
                    method: method, url: url, headers: headers, body: body, timeout: configuration.timeout, tls: tls,
                    maximumRedirects: 10))
        } catch let error as HTTPClientError {
            let failure = classify(error, method: method.rawValue, url: url, configuration: configuration)
            return ServiceCallCache.Attempt(
                outcome: .failure(failure), isServiceFailure: [.unreachable, .timeout, .tls].contains(failure.kind))
        } catch {
            return ServiceCallCache.Attempt(
                outcome: .failure(ContextProviderError(.unreachable, "\(method.rawValue) \(url): \(error)")),
                isServiceFailure: true)
        }
        guard (200..<300).contains(response.status) else {
            let excerpt = String(decoding: response.body.prefix(256), as: UTF8.self)
            let failure = ContextProviderError(
                .httpStatus,
                "\(method.rawValue) \(url): HTTP \(response.status)\(excerpt.isEmpty ? "" : ": ")\(excerpt)")
            return ServiceCallCache.Attempt(outcome: .failure(failure), isServiceFailure: response.status >= 500)
        }
        do {
            return ServiceCallCache.Attempt(
                outcome: .success(try JSONValue.parse(response.body)), isServiceFailure: false)
        } catch {
            let failure = ContextProviderError(
                .invalidJSON, "\(method.rawValue) \(url): the response is not JSON: \(error)")
            return ServiceCallCache.Attempt(outcome: .failure(failure), isServiceFailure: false)
        }
    }

    static func classify(_ error: HTTPClientError, method: String, url: String, configuration: Configuration)
        -> ContextProviderError
    {
        switch error.code {
        case .timeout, .stalled:
            return ContextProviderError(
                .timeout, "\(method) \(url): no answer within \(configuration.timeout) (apiCallTimeout)")
        case .tls:
            return ContextProviderError(.tls, "\(method) \(url): \(error.message)")
        case .responseTooLarge:
            return ContextProviderError(
                .tooLarge,
                "\(method) \(url): response length must be less than max allowed response length of \(configuration.maximumResponseLength)"
            )
        case .invalidRequest:
            return ContextProviderError(.invalid, "\(method) \(url): \(error.message)")
        default:
            return ContextProviderError(.unreachable, "\(method) \(url): \(error.message)")
        }
    }
}
