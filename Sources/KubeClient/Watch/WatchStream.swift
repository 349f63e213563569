import JSONValue

/// The events of one watch request, decoded from the streamed body as lines arrive.
///
/// The sequence ends when the server ends the stream (its `timeoutSeconds`, or after an `ERROR` event);
/// it throws ``WatchDecodingError``, ``LineFramer/LineTooLong`` or the transport's error.
public struct WatchStream: AsyncSequence, Sendable {
    public typealias Element = WatchEvent
    public typealias Failure = any Error

    let body: any AsyncSequence<[UInt8], any Error> & Sendable
    let maximumLineLength: Int

    public init(body: any AsyncSequence<[UInt8], any Error> & Sendable, maximumLineLength: Int = 64 << 20) {
        self.body = body
        self.maximumLineLength = maximumLineLength
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(chunks: body.makeAsyncIterator(), framer: LineFramer(maximumLineLength: maximumLineLength))
    }

    public struct Iterator: AsyncIteratorProtocol {
        var chunks: any AsyncIteratorProtocol<[UInt8], any Error>
        var framer: LineFramer
        var ready: [[UInt8]] = []
        var readyIndex = 0
        var finished = false

        public mutating func next() async throws -> WatchEvent? {
            while true {
                if readyIndex < ready.count {
                    let line = ready[readyIndex]
                    readyIndex += 1
                    return try WatchEvent.decode(line: line)
                }
                if finished { return nil }
                ready = []
                readyIndex = 0
                if let chunk = try await chunks.next() {
                    ready = try framer.append(chunk)
                } else {
                    finished = true
                    if let last = framer.finish() { ready = [last] }
                }
            }
        }
    }
}
