/// The body of a streamed response: an `AsyncSequence` of byte chunks, read once.
///
/// Back-pressure: at most ``HTTPClient/Configuration/streamBufferSize`` bytes wait for the consumer (plus one
/// network read when the buffer was empty). When the buffer is full the transfer is paused, so a slow consumer
/// slows the server down instead of growing memory; it resumes once the consumer has read half of it.
///
/// Iteration throws ``HTTPClientError`` when the transfer fails (truncated, stalled, connection lost) and
/// ``HTTPClientError/Code/cancelled`` when the reading task is cancelled, which also stops the transfer.
/// Dropping every copy of the body (and its iterators) before the end stops the transfer as well.
public struct HTTPResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    /// Buffer figures, for tests and diagnostics.
    public struct BufferStatistics: Sendable, Hashable {
        /// Bytes waiting for the consumer now.
        public var bufferedBytes: Int
        /// The most bytes that ever waited for the consumer.
        public var maximumBufferedBytes: Int
        /// How many times the transfer was paused because the buffer was full.
        public var pauseCount: Int
        /// Bytes handed to the consumer so far.
        public var deliveredBytes: Int
    }

    /// Owns the transfer on the consumer side: when the last copy goes away, the transfer stops.
    final class Owner: Sendable {
        let transfer: Transfer

        init(transfer: Transfer) { self.transfer = transfer }

        deinit { self.transfer.consumerGone() }
    }

    private let owner: Owner

    var transfer: Transfer { self.owner.transfer }

    init(transfer: Transfer) {
        self.owner = Owner(transfer: transfer)
    }

    /// Iterates the chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let owner: Owner

        /// The next chunk, `nil` at the end of the body.
        /// - Throws: ``HTTPClientError`` when the transfer failed or the task was cancelled.
        public mutating func next() async throws -> [UInt8]? {
            try await self.owner.transfer.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(owner: self.owner)
    }

    /// The current buffer figures.
    public var bufferStatistics: BufferStatistics {
        let statistics = self.owner.transfer.bufferStatistics
        return BufferStatistics(
            bufferedBytes: statistics.bufferedBytes,
            maximumBufferedBytes: statistics.maximumBufferedBytes,
            pauseCount: statistics.pauseCount,
            deliveredBytes: statistics.deliveredBytes
        )
    }

    /// Stops the transfer; reading afterwards throws ``HTTPClientError/Code/cancelled``.
    public func cancel() {
        let transfer = self.owner.transfer
        transfer.cancel(transfer.error(.cancelled, "the response stream was cancelled"))
    }

    /// Splits the body into lines (for newline-delimited JSON such as Kubernetes watch streams).
    /// - Parameter maximumLineLength: the longest line accepted, in bytes; longer lines fail with
    ///   ``HTTPClientError/Code/lineTooLong``.
    public func lines(maximumLineLength: Int = 16 << 20) -> HTTPLineSequence {
        HTTPLineSequence(body: self, maximumLineLength: maximumLineLength)
    }

    /// Reads the whole remaining body.
    /// - Throws: ``HTTPClientError/Code/responseTooLarge`` past `maximumSize` bytes, or the transfer's error.
    public func collect(upTo maximumSize: Int) async throws -> [UInt8] {
        var result: [UInt8] = []
        for try await chunk in self {
            guard result.count + chunk.count <= maximumSize else {
                self.cancel()
                throw self.owner.transfer.error(.responseTooLarge, "response body larger than \(maximumSize) bytes")
            }
            result.append(contentsOf: chunk)
        }
        return result
    }
}
