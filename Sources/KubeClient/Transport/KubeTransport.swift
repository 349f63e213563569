import JSONValue

/// One HTTP header.
public struct HTTPField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request to the API server, relative to the configured server URL.
public struct KubeRequest: Sendable, Hashable {
    public var method: String
    /// The path and query, such as `/api/v1/namespaces/a/pods?limit=500`.
    public var path: String
    public var headers: [HTTPField]
    public var body: [UInt8]?
    /// The longest the whole request may take; `nil` for none (watches end by `timeoutSeconds`).
    public var timeout: Duration?

    public init(
        method: String,
        path: String,
        headers: [HTTPField] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A whole response.
public struct KubeResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [HTTPField]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPField] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// A response whose body arrives as chunks (a watch).
public struct KubeStreamingResponse: Sendable {
    public var status: Int
    public var headers: [HTTPField]
    /// The body chunks; the producer pauses when the consumer falls behind.
    public var body: any AsyncSequence<[UInt8], any Error> & Sendable

    public init(status: Int, headers: [HTTPField], body: any AsyncSequence<[UInt8], any Error> & Sendable) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A request failed before a complete response arrived.
public struct KubeTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Refused, reset, DNS failure, TLS handshake failure: nothing reached the server's handler.
        case connectionFailed
        /// The request's time limit passed.
        case timedOut
        /// A TLS or configuration problem that retrying will not fix.
        case configuration
        case other
    }

    public var kind: Kind
    public var message: String
    public var url: String?

    public init(_ kind: Kind, _ message: String, url: String? = nil) {
        self.kind = kind
        self.message = message
        self.url = url
    }

    public var description: String { url.map { "\($0): \(message)" } ?? message }

    /// Whether the request may be retried (connection problems and timeouts).
    public var isRetriable: Bool { kind == .connectionFailed || kind == .timedOut }
}

/// Moves requests to the API server. ``CurlKubeTransport`` is the production implementation; the REST
/// logic above it (retries, rate limiting, auth refresh, paging, watch decoding) does not depend on it.
public protocol KubeTransport: Sendable {
    /// Sends a request and reads the whole response.
    /// - Throws: ``KubeTransportError`` when no complete response arrives.
    func execute(_ request: KubeRequest, credentials: Credentials) async throws -> KubeResponse

    /// Sends a request and returns as soon as the response head arrives; the body streams.
    /// - Throws: ``KubeTransportError`` when no response head arrives.
    func stream(_ request: KubeRequest, credentials: Credentials) async throws -> KubeStreamingResponse
}
