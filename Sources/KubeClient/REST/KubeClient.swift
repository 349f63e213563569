import JSONValue
import Logging
public import Metrics
import Synchronization

/// A Kubernetes API client for any resource as ``JSONValue``.
///
/// Non-watch requests pass a client-side token bucket (``ClientConfiguration/qps``/``burst``), are
/// retried per ``RetryPolicy`` (429/5xx with `Retry-After`, connection failures for safe requests), and
/// refresh credentials once after a 401. Watches bypass the rate limiter, as client-go's do. Errors from
/// the server are ``KubeAPIError``; transport failures are ``KubeTransportError``.
///
/// What an operator needs to see goes to ``logger`` with `k8s.*` metadata: retries (`info`), refused
/// requests (`debug`; their callers decide what to warn about), and, from the informers and the leader
/// elector built on this client, relists and lease changes.
public final class KubeClient: Sendable {
    public let configuration: ClientConfiguration
    public let retryPolicy: RetryPolicy
    let transport: any KubeTransport
    let credentials: CredentialProvider
    let rateLimiter: TokenBucketRateLimiter
    let metricsHook: RequestMetricsHook?
    let requestMetrics: APIRequestMetrics
    let mapperState = Mutex<RESTMapper?>(nil)
    /// Where the client, its informers and its leader electors log; silent unless given.
    public let logger: Logger

    /// - Parameters:
    ///   - configuration: where and who.
    ///   - transport: how requests travel (``CurlKubeTransport`` in production).
    ///   - retryPolicy: when to retry.
    ///   - credentialProvider: supplies credentials; built from the configuration when `nil`.
    ///   - metricsFactory: where request counts and durations are recorded (``APIRequestMetrics``); the
    ///     process-wide swift-metrics factory by default.
    ///   - metrics: also called after every attempt (tests, tools).
    ///   - logger: retries, relists and lease changes (`k8s.*` metadata); silent by default.
    public init(
        configuration: ClientConfiguration,
        transport: any KubeTransport,
        retryPolicy: RetryPolicy = .default,
        credentialProvider: CredentialProvider? = nil,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        metrics: RequestMetricsHook? = nil,
        logger: Logger = Logger(label: "vigil.k8s", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.logger = logger
        self.configuration = configuration
        self.transport = transport
        self.retryPolicy = retryPolicy
        credentials = credentialProvider ?? CredentialProvider(authentication: configuration.authentication)
        rateLimiter = TokenBucketRateLimiter(qps: configuration.qps, burst: configuration.burst)
        metricsHook = metrics
        requestMetrics = APIRequestMetrics(factory: metricsFactory)
    }

    /// Sends a request with rate limiting, retries and credential refresh, and returns a 2xx response.
    ///
    /// - Parameters:
    ///   - verb: the metric verb.
    ///   - resource: the metric resource label.
    ///   - idempotent: whether the request may be repeated after a connection failure or a 5xx without
    ///     `Retry-After`.
    /// - Throws: ``KubeAPIError`` for a non-2xx answer, ``KubeTransportError``, `CancellationError`.
    public func send(
        _ request: KubeRequest,
        verb: String,
        resource: String,
        idempotent: Bool,
        rateLimited: Bool = true
    ) async throws -> KubeResponse {
        var request = request
        request.headers.append(HTTPField("User-Agent", configuration.userAgent))
        if !request.headers.contains(where: { $0.name.lowercased() == "accept" }) {
            request.headers.append(HTTPField("Accept", "application/json"))
        }
        var backoff = retryPolicy.backoff
        var retries = 0
        var refreshedCredentials = false
        let clock = ContinuousClock()
        while true {
            try Task.checkCancellation()
            if rateLimited { try await rateLimiter.acquire() }
            let credentials = try await self.credentials.credentials()
            let start = clock.now
            let outcome: RetryPolicy.Outcome
            let failure: any Error
            do {
                let response = try await transport.execute(request, credentials: credentials)
                record(verb, resource, response.status, start.duration(to: clock.now), retries)
                if (200..<300).contains(response.status) { return response }
                let error = KubeAPIError(
                    statusCode: response.status,
                    body: response.body,
                    retryAfter: response.header("Retry-After"),
                    verb: request.method,
                    url: request.path
                )
                if response.status == 401, !refreshedCredentials, configuration.authentication.isRefreshable {
                    refreshedCredentials = true
                    await self.credentials.invalidate(credentials)
                    continue
                }
                outcome = .response(status: response.status, retryAfterSeconds: error.retryAfterSeconds)
                failure = error
            } catch let error as KubeTransportError {
                record(verb, resource, nil, start.duration(to: clock.now), retries)
                guard error.isRetriable else { throw error }
                outcome = .connectionFailure
                failure = error
            }
            guard
                let delay = retryPolicy.delay(
                    after: outcome, retriesSoFar: retries, idempotent: idempotent, backoff: &backoff)
            else {
                logger.debug(
                    "request failed", metadata: Self.metadata(verb, resource, outcome, failure, retries: retries))
                throw failure
            }
            var metadata = Self.metadata(verb, resource, outcome, failure, retries: retries + 1)
            metadata["k8s.delay"] = "\(delay)"
            logger.info("retrying request", metadata: metadata)
            retries += 1
            try await Task.sleep(for: delay)
        }
    }

    /// `k8s.verb`, `k8s.resource`, `k8s.status` (or `connection`), `k8s.attempt` and the error.
    private static func metadata(
        _ verb: String, _ resource: String, _ outcome: RetryPolicy.Outcome, _ failure: any Error, retries: Int
    ) -> Logger.Metadata {
        var status = "connection"
        if case .response(let code, _) = outcome { status = "\(code)" }
        return [
            "k8s.verb": "\(verb)", "k8s.resource": "\(resource)", "k8s.status": "\(status)",
            "k8s.attempt": "\(retries)", "error": "\(failure)",
        ]
    }

    private func record(_ verb: String, _ resource: String, _ status: Int?, _ duration: Duration, _ attempt: Int) {
        record(RequestMetric(verb: verb, resource: resource, statusCode: status, duration: duration, attempt: attempt))
    }

    /// Records one attempt in the metrics and hands it to the hook.
    func record(_ metric: RequestMetric) {
        requestMetrics.record(metric)
        metricsHook?(metric)
    }

    /// Parses a response body as JSON.
    static func decode(_ response: KubeResponse, _ request: KubeRequest) throws -> JSONValue {
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw KubeTransportError(.other, "response is not JSON: \(error)", url: request.path)
        }
    }
}

extension GroupVersionResource {
    /// The metric label: `pods`, `deployments.apps`.
    var metricLabel: String { group.isEmpty ? resource : "\(resource).\(group)" }
}

extension ClientConfiguration.Authentication {
    /// Whether a 401 may be cured by reading the credentials again.
    var isRefreshable: Bool {
        switch self {
        case .tokenFile, .exec: true
        case .none, .bearerToken, .basic: false
        }
    }
}
