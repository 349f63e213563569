/// A request with every option resolved against the client configuration and validated, ready for the curl
/// loop thread to turn into an easy handle.
struct PreparedRequest: Sendable {
    var method: String
    var url: String
    /// Header lines for `CURLOPT_HTTPHEADER`: `Name: value`, or `Name;` for an empty value.
    var headerLines: [String]
    var body: [UInt8]?
    var timeoutMilliseconds: Int?
    var connectTimeoutMilliseconds: Int
    var lowSpeedLimit: LowSpeedLimit?
    var tls: TLSConfiguration
    var httpVersion: HTTPClient.Configuration.HTTPVersionPreference
    var tcpKeepAliveSeconds: Int?
    var automaticDecompression: Bool
    var maximumRedirects: Int
    /// Whether the caller set a `Host` header (then a TLS server name override keeps it).
    var hasHostHeader: Bool

    /// Resolves and validates a request.
    /// - Throws: ``HTTPClientError/Code/invalidRequest`` for a non-HTTP URL, a header name or value with a line
    ///   break, or a negative option.
    init(_ request: HTTPRequest, configuration: HTTPClient.Configuration, streaming: Bool) throws(HTTPClientError) {
        func invalid(_ message: String) -> HTTPClientError {
            HTTPClientError(code: .invalidRequest, message: message, method: request.method.rawValue, url: request.url)
        }
        let lowercasedURL = request.url.lowercased()
        guard lowercasedURL.hasPrefix("http://") || lowercasedURL.hasPrefix("https://") else {
            throw invalid("the URL must start with http:// or https://")
        }
        guard !request.url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw invalid("the URL contains whitespace or control characters")
        }
        let method = request.method.rawValue
        guard !method.isEmpty, method.utf8.allSatisfy({ Self.isTokenByte($0) }) else {
            throw invalid("the method is not an HTTP token")
        }
        guard request.maximumRedirects >= 0 else { throw invalid("maximumRedirects is negative") }

        var lines: [String] = []
        var hasUserAgent = false
        var hasContentType = false
        var hasHostHeader = false
        for field in request.headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy({ Self.isTokenByte($0) }) else {
                throw invalid("header name \"\(field.name)\" is not an HTTP token")
            }
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw invalid("the value of header \(field.name) contains a line break")
            }
            hasUserAgent = hasUserAgent || HTTPHeaders.namesEqual(field.name, "User-Agent")
            hasContentType = hasContentType || HTTPHeaders.namesEqual(field.name, "Content-Type")
            hasHostHeader = hasHostHeader || HTTPHeaders.namesEqual(field.name, "Host")
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if let userAgent = configuration.userAgent, !hasUserAgent,
            !userAgent.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 })
        {
            lines.append("User-Agent: \(userAgent)")
        }
        if request.body != nil {
            // No form-urlencoded default and no `Expect: 100-continue` round trip.
            if !hasContentType { lines.append("Content-Type:") }
            lines.append("Expect:")
        }

        let timeout = request.timeout ?? (streaming ? nil : configuration.timeout)
        if let limit = request.lowSpeedLimit ?? configuration.lowSpeedLimit {
            guard limit.bytesPerSecond >= 1, limit.duration >= .seconds(1) else {
                throw invalid("the low-speed limit needs at least 1 byte per second over at least 1 second")
            }
        }
        self.method = method
        self.url = request.url
        self.headerLines = lines
        self.body = request.body
        self.timeoutMilliseconds = timeout.map(Self.milliseconds)
        self.connectTimeoutMilliseconds = Self.milliseconds(configuration.connectTimeout)
        self.lowSpeedLimit = request.lowSpeedLimit ?? configuration.lowSpeedLimit
        self.tls = request.tls ?? configuration.tls
        self.httpVersion = configuration.httpVersion
        self.tcpKeepAliveSeconds = configuration.tcpKeepAlive.map { max(1, Self.milliseconds($0) / 1000) }
        self.automaticDecompression = configuration.automaticDecompression
        self.maximumRedirects = request.maximumRedirects
        self.hasHostHeader = hasHostHeader
    }

    /// Milliseconds, rounded up so a positive duration never becomes 0 (which libcurl reads as "no limit").
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 1 }
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return Int.max }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(clamping: millis.partialValue + fraction)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
