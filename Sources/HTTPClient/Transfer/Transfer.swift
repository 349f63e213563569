internal import CCurl
import Synchronization

/// One request in flight: its prepared options, its state machine, and the curl resources the loop thread
/// attaches to it.
///
/// The curl loop retains a transfer with `Unmanaged.passRetained` while libcurl holds it (as `CURLOPT_PRIVATE`,
/// `WRITEDATA` and `HEADERDATA`) and releases it exactly once, when it removes the easy handle.
// @unchecked Sendable: `easy`, `headerList`, `connectToList` and `errorBuffer`'s contents are read and written
// only on the curl loop thread (set when the loop adds the transfer, cleared when it removes it). Everything
// else is immutable or inside the `state` Mutex.
final class Transfer: @unchecked Sendable {
    typealias HeadWaiter = CheckedContinuation<TransferOutcome, any Error>
    typealias ChunkWaiter = CheckedContinuation<[UInt8]?, any Error>
    typealias StateMachine = TransferStateMachine<HeadWaiter, ChunkWaiter>

    let request: PreparedRequest
    /// The URL as the caller gave it, for error messages.
    let originalURL: String
    private let loop: MultiLoop
    private let state: Mutex<StateMachine>

    // Loop-thread only.
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var connectToList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(request: PreparedRequest, mode: StateMachine.Mode, loop: MultiLoop) {
        self.request = request
        self.originalURL = request.url
        self.loop = loop
        self.state = Mutex(
            StateMachine(
                mode: mode,
                method: request.method,
                url: request.url,
                followsRedirects: request.maximumRedirects > 0
            )
        )
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        self.errorBuffer.deallocate()
    }

    func error(_ code: HTTPClientError.Code, _ message: String) -> HTTPClientError {
        HTTPClientError(code: code, message: message, method: self.request.method, url: self.originalURL)
    }

    var bufferStatistics: StateMachine.BufferStatistics {
        self.state.withLock { $0.statistics }
    }

    // MARK: Swift task side

    /// Starts the transfer and waits for its outcome; cancelling the task cancels the transfer.
    func run() async throws -> TransferOutcome {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: HeadWaiter) in
                switch self.state.withLock({ $0.start(continuation) }) {
                case .submit:
                    if !self.loop.submit(self) {
                        self.completed(.failure(self.error(.shutdown, "the HTTP client was shut down")))
                    }
                case .fail(let waiter, let error):
                    waiter.resume(throwing: error)
                }
            }
        } onCancel: {
            self.cancel(self.error(.cancelled, "the request was cancelled"))
        }
    }

    /// Cancels the transfer from any thread: resumes its waiters with the error and removes it from curl.
    func cancel(_ error: HTTPClientError) {
        switch self.state.withLock({ $0.cancel(error) }) {
        case .none:
            break
        case .fail(let head, let chunk, let error, let removeTransfer):
            head?.resume(throwing: error)
            chunk?.resume(throwing: error)
            if removeTransfer { self.loop.cancel(self) }
        }
    }

    /// The consumer dropped the streamed body.
    func consumerGone() {
        if self.state.withLock({ $0.consumerGone() }) { self.loop.cancel(self) }
    }

    /// The next chunk of a streamed body, `nil` at its end.
    func next() async throws -> [UInt8]? {
        if Task.isCancelled { self.cancel(self.error(.cancelled, "the response stream was cancelled")) }
        if let chunk = try self.handle(self.state.withLock { $0.nextChunk() }) { return chunk }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: ChunkWaiter) in
                let action = self.state.withLock { $0.waitForChunk(continuation) }
                if case .wait = action { return }
                continuation.resume(with: Result { try self.handle(action) ?? nil })
            }
        } onCancel: {
            self.cancel(self.error(.cancelled, "the response stream was cancelled"))
        }
    }

    /// Performs a next-chunk action: `.some(chunk)` or `.some(nil)` (end) when it settled the call, `nil` when
    /// the caller must wait.
    private func handle(_ action: StateMachine.NextAction) throws -> [UInt8]?? {
        switch action {
        case .chunk(let chunk, let resumeProducer):
            if resumeProducer { self.loop.resume(self) }
            return .some(chunk)
        case .end:
            return .some(nil)
        case .fail(let error):
            throw error
        case .wait:
            return nil
        }
    }

    // MARK: curl loop thread side

    /// A header line from libcurl; returns whether the transfer goes on.
    func receivedHeaderLine(_ line: UnsafeRawBufferPointer) -> Bool {
        let line = Array(line)
        switch self.state.withLock({ $0.receivedHeaderLine(line) }) {
        case .proceed:
            return true
        case .deliverHead(let waiter, let head):
            waiter.resume(returning: .streaming(head))
            return true
        case .abort:
            return false
        }
    }

    enum WriteResult {
        case consumed
        case pause
        case abort
    }

    /// Body bytes from libcurl.
    func receivedBody(_ bytes: UnsafeRawBufferPointer) -> WriteResult {
        let bytes = Array(bytes)
        switch self.state.withLock({ $0.receivedBody(bytes) }) {
        case .accept:
            return .consumed
        case .deliver(let waiter, let chunk):
            waiter.resume(returning: chunk)
            return .consumed
        case .pause:
            return .pause
        case .abort:
            return .abort
        }
    }

    /// The transfer ended (or never reached curl): resume whoever waits.
    func completed(_ result: Result<StateMachine.Completion, HTTPClientError>) {
        switch self.state.withLock({ $0.completed(result) }) {
        case .none:
            break
        case .resumeHead(let waiter, let result):
            waiter.resume(with: result)
        case .resumeChunk(let waiter, let result):
            waiter.resume(with: result)
        }
    }
}
