/// The lines of a streamed body, without their `\n` (and without a `\r` before it), empty lines included.
///
/// Chunk boundaries do not matter: a line split over several chunks is joined, several lines in one chunk are
/// split. A body that ends in the middle of a line (no final `\n`) fails with
/// ``HTTPClientError/Code/truncated``; a line longer than the limit fails with
/// ``HTTPClientError/Code/lineTooLong`` (and stops the transfer).
public struct HTTPLineSequence: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let body: HTTPResponseBody
    let maximumLineLength: Int

    /// Iterates the lines.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: HTTPResponseBody.AsyncIterator
        let body: HTTPResponseBody
        let maximumLineLength: Int
        var splitter: LineSplitter
        var finished = false

        /// The next line, `nil` at the end of the body.
        /// - Throws: ``HTTPClientError`` for a truncated stream, a too long line, or the transfer's error.
        public mutating func next() async throws -> [UInt8]? {
            while !self.finished {
                if let line = self.splitter.nextLine() { return line }
                if self.splitter.pendingCount > self.maximumLineLength {
                    self.finished = true
                    self.body.cancel()
                    throw self.error(.lineTooLong, "a line is longer than \(self.maximumLineLength) bytes")
                }
                guard let chunk = try await self.chunks.next() else {
                    self.finished = true
                    if self.splitter.pendingCount > 0 {
                        throw self.error(.truncated, "the stream ended in the middle of a line")
                    }
                    return nil
                }
                self.splitter.append(chunk)
            }
            return nil
        }

        private func error(_ code: HTTPClientError.Code, _ message: String) -> HTTPClientError {
            let transfer = self.body.transfer
            return transfer.error(code, message)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            chunks: self.body.makeAsyncIterator(),
            body: self.body,
            maximumLineLength: self.maximumLineLength,
            splitter: LineSplitter()
        )
    }
}

/// Splits bytes into `\n`-terminated lines; pure, so it is tested on its own.
struct LineSplitter: Sendable {
    private var buffer: [UInt8] = []
    /// Where the unreturned bytes start.
    private var start = 0
    /// Where the search for the next `\n` resumes (bytes before it hold none).
    private var scanned = 0

    /// Bytes received but not yet returned as a line.
    var pendingCount: Int { self.buffer.count - self.start }

    mutating func append(_ bytes: [UInt8]) {
        if self.start > 0 && self.start >= self.buffer.count / 2 {
            self.buffer.removeFirst(self.start)
            self.scanned -= self.start
            self.start = 0
        }
        self.buffer.append(contentsOf: bytes)
    }

    /// The next complete line, or `nil` when no `\n` is buffered.
    mutating func nextLine() -> [UInt8]? {
        guard let newline = self.buffer[self.scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
            self.scanned = self.buffer.count
            return nil
        }
        var end = newline
        if end > self.start && self.buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = Array(self.buffer[self.start..<end])
        self.start = newline + 1
        self.scanned = self.start
        return line
    }
}
