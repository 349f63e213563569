/// An HTTP/1.1 and HTTP/2 client on libcurl, for the Kubernetes API and OCI registries.
///
/// Hand-written on libcurl (rather than AsyncHTTPClient/NIO) because the project standardises on libcurl for
/// TLS, HTTP/2 multiplexing, proxies and compression, and libcurl's API is small enough to drive from one
/// thread. That dedicated thread owns a curl multi handle and every easy handle; requests reach it through a
/// command queue, results come back through continuations, and nothing blocks Swift's cooperative pool.
///
/// Requests to the same server share connections: kept-alive HTTP/1.1 connections are reused, and with
/// HTTP/2 (the default, negotiated through ALPN) concurrent requests are multiplexed over one connection.
///
/// Call ``shutdown()`` when done. A client released without it lets its thread finish the transfers still
/// running and exit.
public final class HTTPClient: Sendable {
    /// The settings every request starts from.
    public let configuration: Configuration
    private let loop: MultiLoop

    /// Creates a client and starts its curl thread.
    /// - Throws: ``HTTPClientError`` with code ``HTTPClientError/Code/other`` when libcurl cannot be initialised
    ///   or the thread cannot start.
    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        self.configuration = configuration
        self.loop = try MultiLoop(configuration: configuration)
    }

    deinit {
        self.loop.stopWhenIdle()
    }

    /// Sends a request and returns the whole response. Statuses such as 404 or 500 are returned, not thrown.
    ///
    /// Cancelling the calling task removes the transfer promptly and throws ``HTTPClientError/Code/cancelled``.
    /// - Throws: ``HTTPClientError`` when no complete response arrived: connection refused, TLS failure,
    ///   timeout, protocol error, body over ``Configuration/maximumResponseBodySize``, cancellation, shutdown.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let prepared = try PreparedRequest(request, configuration: self.configuration, streaming: false)
        let mode = Transfer.StateMachine.Mode.collect(maximumBodySize: self.configuration.maximumResponseBodySize)
        let transfer = Transfer(request: prepared, mode: mode, loop: self.loop)
        switch try await transfer.run() {
        case .response(let response):
            return response
        case .streaming:
            preconditionFailure("a collecting transfer delivers a whole response")
        }
    }

    /// Sends a request and returns as soon as the response head arrives; the body follows as an
    /// `AsyncSequence` of byte chunks with back-pressure (see ``HTTPResponseBody``).
    ///
    /// Streams have no total timeout unless the request sets ``HTTPRequest/timeout``; use
    /// ``HTTPRequest/lowSpeedLimit`` to abort stalled streams. Cancelling the calling task while it waits for the
    /// head, or while it reads the body, removes the transfer. Dropping the body stops the transfer too.
    /// - Throws: ``HTTPClientError`` when no response head arrived.
    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        let prepared = try PreparedRequest(request, configuration: self.configuration, streaming: true)
        let mode = Transfer.StateMachine.Mode.stream(bufferSize: max(1, self.configuration.streamBufferSize))
        let transfer = Transfer(request: prepared, mode: mode, loop: self.loop)
        switch try await transfer.run() {
        case .streaming(let head):
            return HTTPStreamingResponse(
                status: head.status,
                headers: head.headers,
                version: head.version,
                body: HTTPResponseBody(transfer: transfer)
            )
        case .response:
            preconditionFailure("a streaming transfer delivers the head first")
        }
    }

    /// Stops the client: every request in flight or queued fails with ``HTTPClientError/Code/shutdown``, later
    /// requests fail the same way, and the curl thread exits before this returns. Calling it again is harmless.
    public func shutdown() async {
        await self.loop.shutdown()
    }
}
