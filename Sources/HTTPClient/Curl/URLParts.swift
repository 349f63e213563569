internal import CCurl

/// A URL split by libcurl's own URL parser, so host and port are read exactly as libcurl will use them.
struct URLParts {
    /// The host as libcurl writes it (IPv6 addresses in brackets).
    let host: String
    /// The port, explicit or the scheme's default.
    let port: Int
    /// `host` or `host:port` as the URL spelled it, for a `Host` header.
    let authority: String
    private let url: String

    init(_ url: String, method: String) throws(HTTPClientError) {
        self.url = url
        guard let handle = curl_url() else {
            throw HTTPClientError(code: .other, message: "curl_url failed", method: method, url: url)
        }
        defer { curl_url_cleanup(handle) }
        try Self.check(curl_url_set(handle, CURLUPART_URL, url, 0), method: method, url: url)
        let host = try Self.get(handle, CURLUPART_HOST, flags: 0, method: method, url: url)
        let defaultPort = try Self.get(handle, CURLUPART_PORT, flags: UInt32(ccurl_url_default_port()), method: method, url: url)
        guard let port = Int(defaultPort) else {
            throw HTTPClientError(code: .invalidRequest, message: "the URL has no usable port", method: method, url: url)
        }
        var explicitPort: UnsafeMutablePointer<CChar>? = nil
        let hasExplicitPort = curl_url_get(handle, CURLUPART_PORT, &explicitPort, 0) == CURLUE_OK
        curl_free(explicitPort)
        self.host = host
        self.port = port
        self.authority = hasExplicitPort ? "\(host):\(port)" : host
    }

    /// The URL with its host replaced.
    func replacingHost(with newHost: String, method: String) throws(HTTPClientError) -> String {
        guard let handle = curl_url() else {
            throw HTTPClientError(code: .other, message: "curl_url failed", method: method, url: self.url)
        }
        defer { curl_url_cleanup(handle) }
        try Self.check(curl_url_set(handle, CURLUPART_URL, self.url, 0), method: method, url: self.url)
        try Self.check(curl_url_set(handle, CURLUPART_HOST, newHost, 0), method: method, url: self.url)
        return try Self.get(handle, CURLUPART_URL, flags: 0, method: method, url: self.url)
    }

    private static func get(
        _ handle: OpaquePointer,
        _ part: CURLUPart,
        flags: UInt32,
        method: String,
        url: String
    ) throws(HTTPClientError) -> String {
        var value: UnsafeMutablePointer<CChar>? = nil
        try self.check(curl_url_get(handle, part, &value, flags), method: method, url: url)
        defer { curl_free(value) }
        guard let value else {
            throw HTTPClientError(code: .invalidRequest, message: "the URL lacks a part", method: method, url: url)
        }
        return String(cString: value)
    }

    private static func check(_ code: CURLUcode, method: String, url: String) throws(HTTPClientError) {
        guard code != CURLUE_OK else { return }
        throw HTTPClientError(
            code: .invalidRequest,
            message: "invalid URL or server name: \(String(cString: curl_url_strerror(code)))",
            method: method,
            url: url
        )
    }
}
