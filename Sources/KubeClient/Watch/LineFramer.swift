import JSONValue

/// Splits a byte stream into newline-terminated lines, as watch streams are framed.
///
/// Chunks may end anywhere, including inside a line or a multi-byte character: the partial line is kept
/// until its newline arrives. A line longer than ``maximumLineLength`` is an error rather than unbounded
/// buffering. Empty lines (keep-alive newlines) are skipped. Carriage returns before a newline are dropped.
public struct LineFramer: Sendable {
    /// The longest accepted line in bytes (default 64 MiB; Kubernetes objects are at most ~1.5 MiB).
    public let maximumLineLength: Int
    private var pending: [UInt8] = []

    /// A line exceeded ``maximumLineLength``.
    public struct LineTooLong: Error, Sendable, Hashable, CustomStringConvertible {
        public var limit: Int
        public var description: String { "a watch line exceeded \(limit) bytes" }
    }

    public init(maximumLineLength: Int = 64 << 20) {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        self.maximumLineLength = maximumLineLength
    }

    /// The bytes of an unterminated line received so far.
    public var bufferedByteCount: Int { pending.count }

    /// Appends a chunk and returns the complete lines it finished, without their newlines.
    /// - Throws: ``LineTooLong`` when a line grows past the limit.
    public mutating func append(_ chunk: some Collection<UInt8>) throws(LineTooLong) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        var index = chunk.startIndex
        while index != chunk.endIndex {
            if chunk[index] == UInt8(ascii: "\n") {
                pending.append(contentsOf: chunk[start..<index])
                try checkLength()
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if !pending.isEmpty { lines.append(pending) }
                pending = []
                start = chunk.index(after: index)
            }
            index = chunk.index(after: index)
        }
        pending.append(contentsOf: chunk[start..<chunk.endIndex])
        try checkLength()
        return lines
    }

    /// Ends the stream: returns the last line when the stream did not end with a newline.
    public mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return pending.isEmpty ? nil : pending
    }

    private func checkLength() throws(LineTooLong) {
        if pending.count > maximumLineLength { throw LineTooLong(limit: maximumLineLength) }
    }
}
