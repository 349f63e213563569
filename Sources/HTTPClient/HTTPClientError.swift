/// An error thrown by ``HTTPClient``.
///
/// A struct wrapping a ``Code`` (so new codes can be added without breaking callers) plus the context a person
/// needs to understand the failure: the request method and URL, libcurl's result code and its error text.
/// A response with a 4xx or 5xx status is not an error: it is returned as a response.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case connect
            case timeout
            case stalled
            case tls
            case connectionLost
            case `protocol`
            case cancelled
            case shutdown
            case invalidRequest
            case responseTooLarge
            case lineTooLong
            case truncated
            case other
        }

        fileprivate let base: Base

        /// The server could not be reached: connection refused, host not resolved, no route.
        public static let connect = Code(base: .connect)
        /// The connect timeout or the total request timeout expired.
        public static let timeout = Code(base: .timeout)
        /// The transfer was aborted because it stayed below the configured low-speed limit for too long.
        public static let stalled = Code(base: .stalled)
        /// The TLS handshake failed: untrusted or mismatched server certificate, bad client certificate or key,
        /// unusable CA bundle.
        public static let tls = Code(base: .tls)
        /// The connection broke while sending or receiving, or the server closed it without answering.
        public static let connectionLost = Code(base: .connectionLost)
        /// The server's reply violated HTTP (garbage status line, bad chunked framing, bad content encoding,
        /// HTTP/2 protocol error, body shorter than announced).
        public static let `protocol` = Code(base: .protocol)
        /// The request was cancelled (its task was cancelled or its response body was dropped).
        public static let cancelled = Code(base: .cancelled)
        /// The client was shut down before the request finished.
        public static let shutdown = Code(base: .shutdown)
        /// The request itself is unusable: malformed URL, header with a line break, unsupported scheme.
        public static let invalidRequest = Code(base: .invalidRequest)
        /// A whole-body response exceeded ``HTTPClient/Configuration/maximumResponseBodySize``.
        public static let responseTooLarge = Code(base: .responseTooLarge)
        /// A line of a line-delimited stream exceeded the line length limit.
        public static let lineTooLong = Code(base: .lineTooLong)
        /// A line-delimited stream ended in the middle of a line.
        public static let truncated = Code(base: .truncated)
        /// Any other libcurl failure (out of memory, internal error).
        public static let other = Code(base: .other)

        public var description: String { self.base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human-readable explanation: libcurl's `CURLOPT_ERRORBUFFER` text when it has one, otherwise the text of
    /// the libcurl result code or the client's own explanation.
    public let message: String
    /// The libcurl `CURLcode` (or `CURLMcode` for multi-handle failures) as a number, when libcurl reported it.
    public let curlCode: Int?
    /// The request method, for example `GET`.
    public let method: String
    /// The request URL.
    public let url: String

    /// Creates an error. Used by the client; public so callers can build errors in their own tests.
    public init(code: Code, message: String, curlCode: Int? = nil, method: String, url: String) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.method = method
        self.url = url
    }

    public var description: String {
        var text = "HTTP \(self.code) error for \(self.method) \(self.url): \(self.message)"
        if let curlCode = self.curlCode { text += " (curl code \(curlCode))" }
        return text
    }
}
