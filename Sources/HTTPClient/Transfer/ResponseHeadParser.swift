/// Assembles a response head from the header lines libcurl passes to its header callback.
///
/// libcurl hands over every header block it sees: interim `1xx` responses, redirects it follows, the final
/// response and, after the body, chunked trailers. A status line starts a new block; an empty line ends one.
/// A block is final when its status is 2xx or more and it is not a redirect libcurl is about to follow.
struct ResponseHeadParser: Sendable {
    enum Outcome: Equatable {
        /// More lines are needed.
        case incomplete
        /// The final response head is complete.
        case complete(ResponseHead)
        /// The line cannot be part of an HTTP response head.
        case invalid(String)
    }

    /// The largest head accepted, in bytes; larger heads are rejected as invalid.
    static let maximumHeadSize = 1 << 20

    private(set) var head: ResponseHead?
    /// How many status lines were seen (interim, redirect and final responses).
    private(set) var responseCount = 0
    private var size = 0
    private let followsRedirects: Bool

    init(followsRedirects: Bool) {
        self.followsRedirects = followsRedirects
    }

    /// Consumes one header line, with or without its trailing CR LF.
    mutating func consume(_ line: some Collection<UInt8>) -> Outcome {
        var bytes = Array(line)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        if bytes.starts(with: Array("HTTP/".utf8)) {
            guard let (version, status) = Self.parseStatusLine(bytes) else {
                return .invalid("malformed status line")
            }
            self.head = ResponseHead(status: status, version: version, headers: HTTPHeaders())
            self.responseCount += 1
            self.size = bytes.count
            return .incomplete
        }
        guard var head = self.head else {
            return .invalid("header line before the status line")
        }
        if bytes.isEmpty {
            let isRedirect = (300..<400).contains(head.status) && head.headers.contains(name: "Location")
            if head.status >= 200 && !(self.followsRedirects && isRedirect) {
                return .complete(head)
            }
            return .incomplete
        }
        self.size += bytes.count
        guard self.size <= Self.maximumHeadSize else { return .invalid("response head larger than 1 MiB") }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            // A folded continuation line (obsolete) or junk; libcurl has already validated the framing.
            return .incomplete
        }
        let name = String(decoding: bytes[..<colon], as: UTF8.self)
        let value = String(decoding: Self.trimmed(bytes[(colon + 1)...]), as: UTF8.self)
        head.headers.add(name: name, value: value)
        self.head = head
        return .incomplete
    }

    private static func parseStatusLine(_ bytes: [UInt8]) -> (HTTPVersion, Int)? {
        // "HTTP/1.1 200 OK", "HTTP/2 200", "HTTP/1.0 404 Not Found"
        let parts = bytes.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2 else { return nil }
        let versionText = String(decoding: parts[0].dropFirst(5), as: UTF8.self)
        let numbers = versionText.split(separator: ".", omittingEmptySubsequences: false)
        guard let major = numbers.first.flatMap({ Int($0) }) else { return nil }
        let minor = numbers.count > 1 ? Int(numbers[1]) : 0
        let statusText = String(decoding: parts[1], as: UTF8.self)
        guard let minor, statusText.utf8.count == 3, let status = Int(statusText), status >= 100 else { return nil }
        return (HTTPVersion(major: major, minor: minor), status)
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }
}
