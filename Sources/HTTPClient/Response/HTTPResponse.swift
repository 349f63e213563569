/// A complete HTTP response, body included. Every status is a response, 4xx and 5xx too.
public struct HTTPResponse: Sendable {
    /// The status code, for example 200 or 404.
    public var status: Int
    /// The response header fields (of the final response when redirects were followed).
    public var headers: HTTPHeaders
    /// The body bytes, decompressed when the server compressed them.
    public var body: [UInt8]
    /// The HTTP version the response was received with.
    public var version: HTTPVersion
    /// How many new connections libcurl opened for this transfer: 0 when it reused a kept-alive or
    /// multiplexed connection.
    public var newConnectionCount: Int

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8], version: HTTPVersion, newConnectionCount: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.version = version
        self.newConnectionCount = newConnectionCount
    }
}

/// The status line and header fields of a response.
struct ResponseHead: Sendable, Hashable {
    var status: Int
    var version: HTTPVersion
    var headers: HTTPHeaders
}
