/// One HTTP request for ``HTTPClient``.
///
/// Options left `nil` fall back to the client's ``HTTPClient/Configuration``.
public struct HTTPRequest: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The absolute `http` or `https` URL.
    public var url: String
    /// Header fields sent with the request. Names and values must not contain line breaks.
    public var headers: HTTPHeaders
    /// The request body, sent with a `Content-Length`. `nil` sends no body.
    public var body: [UInt8]?
    /// The total time allowed for the whole transfer, connect included. `nil` means: for
    /// ``HTTPClient/execute(_:)``, the configuration's ``HTTPClient/Configuration/timeout``; for
    /// ``HTTPClient/stream(_:)``, no total limit (streams such as watches are long-lived; use
    /// ``lowSpeedLimit`` to detect stalls).
    public var timeout: Duration?
    /// Abort the transfer when it stays below this speed for this long. `nil` uses the configuration's value.
    public var lowSpeedLimit: LowSpeedLimit?
    /// TLS settings for this request only. `nil` uses the configuration's ``HTTPClient/Configuration/tls``.
    public var tls: TLSConfiguration?
    /// How many redirects to follow. 0 (the default) returns 3xx responses as they are. Credentials in
    /// custom `Authorization` headers are not sent to other hosts.
    public var maximumRedirects: Int

    /// Creates a request.
    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        lowSpeedLimit: LowSpeedLimit? = nil,
        tls: TLSConfiguration? = nil,
        maximumRedirects: Int = 0
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.lowSpeedLimit = lowSpeedLimit
        self.tls = tls
        self.maximumRedirects = maximumRedirects
    }
}

/// A minimum transfer speed: a transfer slower than ``bytesPerSecond`` for ``duration`` is aborted with
/// ``HTTPClientError/Code/stalled``. A paused transfer (a slow consumer) is not counted as slow.
public struct LowSpeedLimit: Sendable, Hashable {
    /// The speed limit in bytes per second (at least 1).
    public var bytesPerSecond: Int
    /// How long the transfer may stay below the limit, with whole-second resolution (at least 1 s).
    public var duration: Duration

    /// Creates a limit.
    public init(bytesPerSecond: Int, duration: Duration) {
        self.bytesPerSecond = bytesPerSecond
        self.duration = duration
    }
}
