extension HTTPClient {
    /// Settings shared by every request of one client.
    public struct Configuration: Sendable {
        /// The preferred HTTP version.
        public enum HTTPVersionPreference: Sendable, Hashable {
            /// HTTP/1.1 only.
            case http1_1
            /// HTTP/2 over TLS when the server offers it through ALPN, HTTP/1.1 otherwise (and for `http://`).
            /// Requests to the same server share one multiplexed connection.
            case http2
        }

        /// How long establishing a connection (TCP and TLS) may take. Default 10 s.
        public var connectTimeout: Duration
        /// The default total time for ``HTTPClient/execute(_:)`` requests that set no timeout. Default 60 s;
        /// `nil` means no limit. Streams do not use it.
        public var timeout: Duration?
        /// The default low-speed limit for requests that set none. Default `nil` (no limit).
        public var lowSpeedLimit: LowSpeedLimit?
        /// The default TLS settings.
        public var tls: TLSConfiguration
        /// The preferred HTTP version. Default ``HTTPVersionPreference/http2``.
        public var httpVersion: HTTPVersionPreference
        /// The TCP keepalive idle time and probe interval; `nil` disables TCP keepalive. Default 30 s.
        public var tcpKeepAlive: Duration?
        /// Ask for compressed responses (`Accept-Encoding` with every encoding libcurl supports, gzip
        /// included) and decompress them transparently. Default `true`.
        public var automaticDecompression: Bool
        /// The largest body ``HTTPClient/execute(_:)`` collects, in bytes; larger responses fail with
        /// ``HTTPClientError/Code/responseTooLarge``. Default 256 MiB.
        public var maximumResponseBodySize: Int
        /// How many body bytes a streamed response buffers for a slow consumer before the transfer is paused
        /// (back-pressure). Default 1 MiB. One network read may exceed it when the buffer is empty.
        public var streamBufferSize: Int
        /// The most connections to one host; 0 means no limit. Default 0.
        public var maximumConnectionsPerHost: Int
        /// The most concurrent HTTP/2 streams curl opens on one connection. Default 100.
        public var maximumConcurrentStreams: Int
        /// The `User-Agent` header sent when a request sets none. Default `nil` (none).
        public var userAgent: String?

        /// Creates a configuration with the documented defaults.
        public init(
            connectTimeout: Duration = .seconds(10),
            timeout: Duration? = .seconds(60),
            lowSpeedLimit: LowSpeedLimit? = nil,
            tls: TLSConfiguration = TLSConfiguration(),
            httpVersion: HTTPVersionPreference = .http2,
            tcpKeepAlive: Duration? = .seconds(30),
            automaticDecompression: Bool = true,
            maximumResponseBodySize: Int = 256 << 20,
            streamBufferSize: Int = 1 << 20,
            maximumConnectionsPerHost: Int = 0,
            maximumConcurrentStreams: Int = 100,
            userAgent: String? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.lowSpeedLimit = lowSpeedLimit
            self.tls = tls
            self.httpVersion = httpVersion
            self.tcpKeepAlive = tcpKeepAlive
            self.automaticDecompression = automaticDecompression
            self.maximumResponseBodySize = maximumResponseBodySize
            self.streamBufferSize = streamBufferSize
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
            self.maximumConcurrentStreams = maximumConcurrentStreams
            self.userAgent = userAgent
        }
    }
}
