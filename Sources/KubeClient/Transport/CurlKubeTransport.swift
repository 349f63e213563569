import HTTPClient
import JSONValue

/// The production ``KubeTransport``: the project's libcurl ``HTTPClient`` (one curl thread, HTTP/2
/// multiplexing all requests and watches to the API server over one connection, TLS from PEM data).
public final class CurlKubeTransport: KubeTransport {
    public let server: String
    private let client: HTTPClient
    private let tls: TLSConfiguration

    /// - Parameter requestTimeout: the limit for whole (non-watch) requests; client-go has none by
    ///   default, Vigil uses 60 s so that a hung request is retried rather than waited on forever.
    /// - Throws: ``KubeTransportError`` when libcurl cannot start.
    public init(configuration: ClientConfiguration, requestTimeout: Duration = .seconds(60)) throws {
        server = configuration.server
        var tls = TLSConfiguration(
            serverName: configuration.tls.serverName,
            insecureSkipVerify: configuration.tls.insecureSkipVerify
        )
        tls.certificateAuthority = configuration.tls.certificateAuthorityPEM.map { .pem($0) }
        tls.clientCertificate = configuration.tls.clientCertificatePEM.map { .pem($0) }
        tls.clientKey = configuration.tls.clientKeyPEM.map { .pem($0) }
        self.tls = tls
        do {
            client = try HTTPClient(
                configuration: HTTPClient.Configuration(
                    timeout: requestTimeout,
                    tls: tls,
                    httpVersion: .http2,
                    // As many streams as kube-apiserver allows per connection (curl never opens more than the
                    // server advertises), so watches and writes share one connection as client-go's do.
                    maximumConcurrentStreams: 1_000,
                    userAgent: configuration.userAgent
                )
            )
        } catch {
            throw KubeTransportError(
                .configuration, "cannot start the HTTP client: \(error)", url: configuration.server)
        }
    }

    /// Stops the curl thread; requests in flight fail.
    public func shutdown() async {
        await client.shutdown()
    }

    public func execute(_ request: KubeRequest, credentials: Credentials) async throws -> KubeResponse {
        let prepared = httpRequest(request, credentials: credentials)
        do {
            let response = try await client.execute(prepared)
            return KubeResponse(status: response.status, headers: fields(response.headers), body: response.body)
        } catch let error as HTTPClientError {
            throw Self.translate(error)
        }
    }

    public func stream(_ request: KubeRequest, credentials: Credentials) async throws -> KubeStreamingResponse {
        let prepared = httpRequest(request, credentials: credentials)
        do {
            let response = try await client.stream(prepared)
            return KubeStreamingResponse(
                status: response.status,
                headers: fields(response.headers),
                body: TranslatingBody(base: response.body)
            )
        } catch let error as HTTPClientError {
            throw Self.translate(error)
        }
    }

    private func httpRequest(_ request: KubeRequest, credentials: Credentials) -> HTTPRequest {
        var headers = HTTPHeaders()
        for field in request.headers { headers.add(name: field.name, value: field.value) }
        if let authorization = credentials.authorization {
            headers.replaceOrAdd(name: "Authorization", value: authorization)
        }
        var tls: TLSConfiguration?
        if let certificate = credentials.clientCertificatePEM, let key = credentials.clientKeyPEM {
            // An exec plugin's client certificate replaces the kubeconfig's for this request.
            var perRequest = self.tls
            perRequest.clientCertificate = .pem(certificate)
            perRequest.clientKey = .pem(key)
            tls = perRequest
        }
        return HTTPRequest(
            method: HTTPMethod(rawValue: request.method),
            url: server + request.path,
            headers: headers,
            body: request.body,
            timeout: request.timeout,
            tls: tls
        )
    }

    private func fields(_ headers: HTTPHeaders) -> [HTTPField] {
        headers.map { HTTPField($0.name, $0.value) }
    }

    /// Maps the HTTP client's errors onto what the retry logic needs to know.
    static func translate(_ error: HTTPClientError) -> any Error {
        switch error.code {
        case .cancelled: return CancellationError()
        case .connect, .connectionLost, .truncated, .protocol:
            return KubeTransportError(.connectionFailed, error.description, url: error.url)
        case .timeout, .stalled:
            return KubeTransportError(.timedOut, error.description, url: error.url)
        case .tls, .invalidRequest:
            return KubeTransportError(.configuration, error.description, url: error.url)
        default:
            return KubeTransportError(.other, error.description, url: error.url)
        }
    }
}

/// A streamed body whose errors are translated like ``CurlKubeTransport``'s.
struct TranslatingBody: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let base: HTTPResponseBody

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: HTTPResponseBody.AsyncIterator

        mutating func next() async throws -> [UInt8]? {
            do {
                return try await base.next()
            } catch let error as HTTPClientError {
                throw CurlKubeTransport.translate(error)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}

extension KubeClient {
    /// A client for `configuration` over libcurl.
    /// - Throws: ``KubeTransportError`` when libcurl cannot start.
    public convenience init(
        configuration: ClientConfiguration,
        retryPolicy: RetryPolicy = .default,
        metrics: RequestMetricsHook? = nil
    ) throws {
        self.init(
            configuration: configuration,
            transport: try CurlKubeTransport(configuration: configuration),
            retryPolicy: retryPolicy,
            metrics: metrics
        )
    }
}
