import DequeModule

/// The life of one transfer as a pure value: events from the curl loop thread (header lines, body bytes,
/// completion) and from Swift tasks (start, next chunk, cancellation) go in, actions come out.
///
/// It never calls curl and never resumes a continuation itself; the caller holds it in a `Mutex` and performs
/// the returned actions after releasing the lock. That keeps it testable without curl, and guarantees each
/// waiter is resumed exactly once. `HeadWaiter` and `ChunkWaiter` are the continuations of the task waiting for
/// the response (or its head) and of the task waiting for the next body chunk.
struct TransferStateMachine<HeadWaiter, ChunkWaiter> {
    /// How the body is delivered.
    enum Mode: Sendable, Equatable {
        /// Collect the whole body, up to a size limit, and deliver it with the head on completion.
        case collect(maximumBodySize: Int)
        /// Deliver the head as soon as it is complete, then body chunks through a buffer of at most
        /// `bufferSize` bytes (one network read may exceed it when the buffer is empty).
        case stream(bufferSize: Int)
    }

    /// What libcurl reports about a finished transfer.
    struct Completion: Sendable, Equatable {
        var version: HTTPVersion?
        var newConnectionCount: Int
    }

    enum StartAction {
        /// Hand the transfer to the curl loop.
        case submit
        /// The transfer was cancelled before it started: fail the waiter.
        case fail(HeadWaiter, HTTPClientError)
    }

    enum CancelAction {
        case none
        /// Resume the waiters (if any) with the error; remove the transfer from curl if `removeTransfer`.
        case fail(head: HeadWaiter?, chunk: ChunkWaiter?, error: HTTPClientError, removeTransfer: Bool)
    }

    enum HeaderAction {
        case proceed
        case deliverHead(HeadWaiter, ResponseHead)
        /// Stop the transfer (the write/header callback returns an error to curl).
        case abort
    }

    enum BodyAction {
        /// The bytes were buffered; tell curl they were consumed.
        case accept
        /// Hand the bytes to the waiting consumer; tell curl they were consumed.
        case deliver(ChunkWaiter, [UInt8])
        /// The buffer is full: the bytes were not taken; tell curl to pause the transfer.
        case pause
        case abort
    }

    enum NextAction {
        /// A chunk; when `resumeProducer`, the transfer was paused and the curl loop must un-pause it.
        case chunk([UInt8], resumeProducer: Bool)
        case end
        case fail(HTTPClientError)
        /// Nothing yet: call ``waitForChunk(_:)`` (or, from there, the waiter was stored).
        case wait
    }

    enum CompletionAction {
        case none
        case resumeHead(HeadWaiter, Result<TransferOutcome, HTTPClientError>)
        case resumeChunk(ChunkWaiter, Result<[UInt8]?, HTTPClientError>)
    }

    /// Buffer figures of a streamed body, for tests and diagnostics.
    struct BufferStatistics: Sendable, Equatable {
        var bufferedBytes = 0
        var maximumBufferedBytes = 0
        var pauseCount = 0
        var deliveredBytes = 0
    }

    private struct StreamState {
        var buffer = Deque<[UInt8]>()
        var paused = false
        var waiter: ChunkWaiter?
        var terminal: Result<Void, HTTPClientError>?
    }

    private enum State {
        case created
        case cancelledBeforeStart(HTTPClientError)
        case waitingForHead(HeadWaiter)
        case streaming(StreamState)
        /// Done. `pendingError` is reported once to the next consumer call, then it reads as a clean end.
        case finished(pendingError: HTTPClientError?)
    }

    let mode: Mode
    let method: String
    let url: String
    private var state = State.created
    private var parser: ResponseHeadParser
    private var body: [UInt8] = []
    /// A failure this side decided on (too large, bad head); it wins over the curl code it provokes.
    private var abortError: HTTPClientError?
    private(set) var statistics = BufferStatistics()

    init(mode: Mode, method: String, url: String, followsRedirects: Bool = false) {
        self.mode = mode
        self.method = method
        self.url = url
        self.parser = ResponseHeadParser(followsRedirects: followsRedirects)
    }

    func error(_ code: HTTPClientError.Code, _ message: String) -> HTTPClientError {
        HTTPClientError(code: code, message: message, method: self.method, url: self.url)
    }

    // MARK: Swift task side

    mutating func start(_ waiter: HeadWaiter) -> StartAction {
        switch self.state {
        case .created:
            self.state = .waitingForHead(waiter)
            return .submit
        case .cancelledBeforeStart(let error):
            self.state = .finished(pendingError: nil)
            return .fail(waiter, error)
        case .waitingForHead, .streaming, .finished:
            preconditionFailure("a transfer is started once")
        }
    }

    /// Cancellation (task cancelled, consumer gone, client shut down) before curl finished.
    mutating func cancel(_ error: HTTPClientError) -> CancelAction {
        switch self.state {
        case .created:
            self.state = .cancelledBeforeStart(error)
            return .none
        case .waitingForHead(let waiter):
            self.state = .finished(pendingError: nil)
            return .fail(head: waiter, chunk: nil, error: error, removeTransfer: true)
        case .streaming(let stream):
            let running = stream.terminal == nil
            if let waiter = stream.waiter {
                self.state = .finished(pendingError: nil)
                return .fail(head: nil, chunk: waiter, error: error, removeTransfer: running)
            }
            self.state = .finished(pendingError: error)
            self.statistics.bufferedBytes = 0
            return running ? .fail(head: nil, chunk: nil, error: error, removeTransfer: true) : .none
        case .cancelledBeforeStart, .finished:
            return .none
        }
    }

    /// The consumer dropped the body: stop the transfer if it is still running.
    mutating func consumerGone() -> Bool {
        guard case .streaming(let stream) = self.state else { return false }
        self.state = .finished(pendingError: nil)
        self.statistics.bufferedBytes = 0
        return stream.terminal == nil
    }

    mutating func nextChunk() -> NextAction {
        switch self.state {
        case .streaming(var stream):
            if let chunk = stream.buffer.popFirst() {
                self.statistics.bufferedBytes -= chunk.count
                self.statistics.deliveredBytes += chunk.count
                var resume = false
                if stream.paused, case .stream(let size) = self.mode, self.statistics.bufferedBytes <= size / 2 {
                    stream.paused = false
                    resume = true
                }
                self.state = .streaming(stream)
                return .chunk(chunk, resumeProducer: resume)
            }
            switch stream.terminal {
            case .none:
                // A pause needs a non-empty buffer and draining to half resumes, so an empty buffer is never paused.
                return .wait
            case .success:
                self.state = .finished(pendingError: nil)
                return .end
            case .failure(let error):
                self.state = .finished(pendingError: nil)
                return .fail(error)
            }
        case .finished(let pendingError):
            self.state = .finished(pendingError: nil)
            return pendingError.map { .fail($0) } ?? .end
        case .created, .cancelledBeforeStart, .waitingForHead:
            preconditionFailure("the body is read after the head was delivered")
        }
    }

    /// Stores the waiter when no chunk is ready; otherwise returns what ``nextChunk()`` returns and the caller
    /// resumes the waiter with it.
    mutating func waitForChunk(_ waiter: ChunkWaiter) -> NextAction {
        let action = self.nextChunk()
        guard case .wait = action, case .streaming(var stream) = self.state else { return action }
        precondition(stream.waiter == nil, "one consumer at a time")
        stream.waiter = waiter
        self.state = .streaming(stream)
        return .wait
    }

    // MARK: curl loop side

    mutating func receivedHeaderLine(_ line: some Collection<UInt8>) -> HeaderAction {
        switch self.state {
        case .waitingForHead(let waiter):
            let responsesBefore = self.parser.responseCount
            let outcome = self.parser.consume(line)
            if self.parser.responseCount != responsesBefore {
                self.body = []  // a new response (after a followed redirect): drop what came before
            }
            switch outcome {
            case .incomplete:
                return .proceed
            case .invalid(let message):
                self.abortError = self.error(.protocol, "invalid response head: \(message)")
                return .abort
            case .complete(let head):
                guard case .stream = self.mode else { return .proceed }
                self.state = .streaming(StreamState())
                return .deliverHead(waiter, head)
            }
        case .streaming:
            return .proceed  // trailers after a chunked body
        case .created, .cancelledBeforeStart, .finished:
            return .abort
        }
    }

    mutating func receivedBody(_ bytes: [UInt8]) -> BodyAction {
        switch self.state {
        case .waitingForHead:
            guard case .collect(let maximum) = self.mode else {
                self.abortError = self.error(.protocol, "response body before the end of the response head")
                return .abort
            }
            guard self.body.count + bytes.count <= maximum else {
                self.abortError = self.error(.responseTooLarge, "response body larger than \(maximum) bytes")
                return .abort
            }
            self.body.append(contentsOf: bytes)
            return .accept
        case .streaming(var stream):
            guard stream.terminal == nil, case .stream(let size) = self.mode else { return .abort }
            if let waiter = stream.waiter {
                stream.waiter = nil
                self.state = .streaming(stream)
                self.statistics.deliveredBytes += bytes.count
                return .deliver(waiter, bytes)
            }
            let buffered = self.statistics.bufferedBytes
            if buffered > 0 && buffered + bytes.count > size {
                stream.paused = true
                self.statistics.pauseCount += 1
                self.state = .streaming(stream)
                return .pause
            }
            stream.buffer.append(bytes)
            self.statistics.bufferedBytes += bytes.count
            self.statistics.maximumBufferedBytes = max(self.statistics.maximumBufferedBytes, buffered + bytes.count)
            self.state = .streaming(stream)
            return .accept
        case .created, .cancelledBeforeStart, .finished:
            return .abort
        }
    }

    /// libcurl finished the transfer (or the loop gave up on it).
    mutating func completed(_ result: Result<Completion, HTTPClientError>) -> CompletionAction {
        let result = result.mapError { self.abortError ?? $0 }
        switch self.state {
        case .waitingForHead(let waiter):
            self.state = .finished(pendingError: nil)
            switch result {
            case .failure(let error):
                return .resumeHead(waiter, .failure(error))
            case .success(let completion):
                guard let head = self.parser.head, head.status >= 200 else {
                    return .resumeHead(waiter, .failure(self.error(.protocol, "no complete response head")))
                }
                switch self.mode {
                case .collect:
                    let response = HTTPResponse(
                        status: head.status,
                        headers: head.headers,
                        body: self.body,
                        version: completion.version ?? head.version,
                        newConnectionCount: completion.newConnectionCount
                    )
                    self.body = []
                    return .resumeHead(waiter, .success(.response(response)))
                case .stream:
                    self.state = .streaming(StreamState(terminal: .success(())))
                    return .resumeHead(waiter, .success(.streaming(head)))
                }
            }
        case .streaming(var stream):
            guard stream.terminal == nil else { return .none }
            if let waiter = stream.waiter {
                self.state = .finished(pendingError: nil)
                switch result {
                case .success: return .resumeChunk(waiter, .success(nil))
                case .failure(let error): return .resumeChunk(waiter, .failure(error))
                }
            }
            stream.terminal = result.map { _ in () }
            stream.paused = false
            self.state = .streaming(stream)
            return .none
        case .created, .cancelledBeforeStart, .finished:
            return .none
        }
    }
}

/// What the task waiting for a transfer's response receives.
enum TransferOutcome: Sendable {
    /// The whole response (collect mode).
    case response(HTTPResponse)
    /// The response head; the body follows as chunks (stream mode).
    case streaming(ResponseHead)
}
