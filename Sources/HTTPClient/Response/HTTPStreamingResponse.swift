/// A response whose body arrives as a stream.
public struct HTTPStreamingResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The response header fields.
    public var headers: HTTPHeaders
    /// The HTTP version the response is received with.
    public var version: HTTPVersion
    /// The body, as byte chunks.
    public var body: HTTPResponseBody

    /// Creates a streaming response.
    init(status: Int, headers: HTTPHeaders, version: HTTPVersion, body: HTTPResponseBody) {
        self.status = status
        self.headers = headers
        self.version = version
        self.body = body
    }
}
