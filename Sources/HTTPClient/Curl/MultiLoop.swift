internal import CCurl
import DequeModule
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The dedicated thread that owns one curl multi handle and every easy handle added to it.
///
/// Other threads never touch curl: they append a ``Command`` to a queue and call `curl_multi_wakeup` (which
/// libcurl documents as thread-safe). The thread loops: drain commands, `curl_multi_perform`, read finished
/// transfers with `curl_multi_info_read`, then wait in `curl_multi_poll`.
// @unchecked Sendable: `multi` and `active` are used only on the loop thread once `init` has returned (and
// `multi` by `curl_multi_wakeup`, which is thread-safe); everything other threads touch is in the `control`
// Mutex.
final class MultiLoop: @unchecked Sendable {
    enum Command {
        case add(Transfer)
        case cancel(Transfer)
        case resume(Transfer)
    }

    private enum Stop {
        /// Fail every transfer and exit (``shutdown()``).
        case now
        /// Exit once no transfer is left (the client was released without ``shutdown()``).
        case whenIdle
    }

    private struct Control {
        var commands = Deque<Command>()
        var stop: Stop?
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var thread: pthread_t?
    }

    private let control = Mutex(Control())
    private let multi: UnsafeMutableRawPointer
    private var active: [ObjectIdentifier: Unmanaged<Transfer>] = [:]

    /// Creates the multi handle and starts the loop thread.
    /// - Throws: ``HTTPClientError/Code/other`` when libcurl or the thread cannot be set up.
    init(configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        _ = curlGlobalInit
        func failure(_ message: String) -> HTTPClientError {
            HTTPClientError(code: .other, message: message, method: "", url: "")
        }
        guard curlGlobalInit == CURLE_OK else { throw failure("curl_global_init failed") }
        guard let multi = curl_multi_init() else { throw failure("curl_multi_init failed") }
        self.multi = multi
        var settings: [(CURLMoption, Int, String)] = []
        if configuration.httpVersion == .http2 {
            settings.append((CURLMOPT_PIPELINING, ccurl_pipe_multiplex(), "CURLMOPT_PIPELINING"))
        }
        settings.append(
            (CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maximumConnectionsPerHost, "CURLMOPT_MAX_HOST_CONNECTIONS")
        )
        settings.append(
            (CURLMOPT_MAX_CONCURRENT_STREAMS, configuration.maximumConcurrentStreams, "CURLMOPT_MAX_CONCURRENT_STREAMS")
        )
        for (option, value, name) in settings {
            let code = ccurl_multi_setopt_long(multi, option, value)
            guard code == CURLM_OK else {
                curl_multi_cleanup(multi)
                throw CurlResult.error(code, "setting \(name)", method: "", url: "")
            }
        }

        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let loop = Unmanaged<MultiLoop>.fromOpaque(context).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<MultiLoop>.fromOpaque(context).release()
            curl_multi_cleanup(multi)
            throw failure("could not start the curl thread (error \(created))")
        }
        self.control.withLock { $0.thread = thread }
    }

    // MARK: Any thread

    /// Queues a transfer; returns `false` when the loop is shutting down.
    func submit(_ transfer: Transfer) -> Bool {
        self.enqueue(.add(transfer))
    }

    /// Removes a transfer from curl (no-op when it already finished).
    func cancel(_ transfer: Transfer) {
        _ = self.enqueue(.cancel(transfer))
    }

    /// Un-pauses a transfer paused by back-pressure.
    func resume(_ transfer: Transfer) {
        _ = self.enqueue(.resume(transfer))
    }

    private func enqueue(_ command: Command) -> Bool {
        let accepted = self.control.withLock { control -> Bool in
            guard control.stop != .now, !control.exited else { return false }
            control.commands.append(command)
            return true
        }
        if accepted { _ = curl_multi_wakeup(self.multi) }
        return accepted
    }

    /// Fails every transfer with ``HTTPClientError/Code/shutdown``, stops the thread and waits for it to exit.
    func shutdown() async {
        let thread = self.control.withLock { control -> pthread_t? in
            if control.stop == nil || control.stop == .whenIdle { control.stop = .now }
            return control.thread
        }
        _ = curl_multi_wakeup(self.multi)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = self.control.withLock { control -> Bool in
                if !control.exited { control.exitWaiters.append(continuation) }
                return control.exited
            }
            if exited { continuation.resume() }
        }
        // The thread has signalled its exit; joining only reaps it (it is returning, not working).
        let joinable = self.control.withLock { control -> pthread_t? in
            defer { control.thread = nil }
            return control.thread
        }
        if let joinable, thread != nil { pthread_join(joinable, nil) }
    }

    /// Lets the thread exit by itself once idle, without waiting (used when the client is released).
    func stopWhenIdle() {
        let thread = self.control.withLock { control -> pthread_t? in
            if control.stop == nil { control.stop = .whenIdle }
            defer { control.thread = nil }
            return control.thread
        }
        if let thread { pthread_detach(thread) }
        _ = curl_multi_wakeup(self.multi)
    }

    // MARK: Loop thread

    private func run() {
        while true {
            let (commands, stop) = self.control.withLock { control in
                defer { control.commands.removeAll(keepingCapacity: true) }
                return (control.commands, control.stop)
            }
            for command in commands {
                switch command {
                case .add(let transfer):
                    if stop == .now {
                        transfer.completed(.failure(transfer.error(.shutdown, "the HTTP client was shut down")))
                    } else {
                        self.add(transfer)
                    }
                case .cancel(let transfer):
                    self.finish(transfer, .failure(transfer.error(.cancelled, "the request was cancelled")))
                case .resume(let transfer):
                    self.unpause(transfer)
                }
            }
            if stop == .now || (stop == .whenIdle && self.active.isEmpty) { break }

            var running: Int32 = 0
            let performed = curl_multi_perform(self.multi, &running)
            if performed != CURLM_OK { self.failAll(performed, "curl_multi_perform") }
            self.readFinishedTransfers()

            var ready: Int32 = 0
            let polled = curl_multi_poll(self.multi, nil, 0, 1000, &ready)
            if polled != CURLM_OK { self.failAll(polled, "curl_multi_poll") }
        }
        for (_, transfer) in self.active {
            let transfer = transfer.takeUnretainedValue()
            self.finish(transfer, .failure(transfer.error(.shutdown, "the HTTP client was shut down")))
        }
        curl_multi_cleanup(self.multi)
        let waiters = self.control.withLock { control in
            control.exited = true
            // Commands that raced with the stop: fail the transfers that never reached curl.
            let late = control.commands
            control.commands.removeAll()
            defer { control.exitWaiters.removeAll() }
            return (control.exitWaiters, late)
        }
        for case .add(let transfer) in waiters.1 {
            transfer.completed(.failure(transfer.error(.shutdown, "the HTTP client was shut down")))
        }
        for waiter in waiters.0 { waiter.resume() }
    }

    private func add(_ transfer: Transfer) {
        let retained = Unmanaged.passRetained(transfer)
        do {
            let easy = try EasyHandle.make(for: transfer, userdata: retained.toOpaque())
            let added = curl_multi_add_handle(self.multi, easy)
            guard added == CURLM_OK else {
                curl_easy_cleanup(easy)
                EasyHandle.freeLists(of: transfer)
                retained.release()
                transfer.completed(
                    .failure(
                        CurlResult.error(added, "curl_multi_add_handle", method: transfer.request.method, url: transfer.originalURL)
                    )
                )
                return
            }
            transfer.easy = easy
            self.active[ObjectIdentifier(transfer)] = retained
        } catch {
            retained.release()
            transfer.completed(.failure(error))
        }
    }

    private func unpause(_ transfer: Transfer) {
        guard self.active[ObjectIdentifier(transfer)] != nil, let easy = transfer.easy else { return }
        // May call the write callback right here, with the data curl held back.
        let code = curl_easy_pause(easy, ccurl_pause_cont())
        if code != CURLE_OK {
            self.finish(transfer, .failure(self.transferError(code, transfer)))
        }
    }

    private func readFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(self.multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = ccurl_msg_result(message)
            var pointer: UnsafeMutableRawPointer? = nil
            guard ccurl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &pointer) == CURLE_OK, let pointer else {
                continue
            }
            let transfer = Unmanaged<Transfer>.fromOpaque(pointer).takeUnretainedValue()
            if code == CURLE_OK {
                var version = 0
                var connects = 0
                _ = ccurl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
                _ = ccurl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
                let completion = Transfer.StateMachine.Completion(
                    version: Self.httpVersion(version),
                    newConnectionCount: connects
                )
                self.finish(transfer, .success(completion))
            } else {
                self.finish(transfer, .failure(self.transferError(code, transfer)))
            }
        }
    }

    /// Removes a transfer from curl, frees its curl resources, reports its result and drops curl's retain.
    /// Does nothing for a transfer curl does not hold (already finished or never added).
    private func finish(_ transfer: Transfer, _ result: Result<Transfer.StateMachine.Completion, HTTPClientError>) {
        guard let retained = self.active.removeValue(forKey: ObjectIdentifier(transfer)) else { return }
        if let easy = transfer.easy {
            _ = curl_multi_remove_handle(self.multi, easy)
            curl_easy_cleanup(easy)
            transfer.easy = nil
        }
        EasyHandle.freeLists(of: transfer)
        transfer.completed(result)
        retained.release()
    }

    private func failAll(_ code: CURLMcode, _ what: String) {
        for (_, transfer) in self.active {
            let transfer = transfer.takeUnretainedValue()
            let error = CurlResult.error(code, what, method: transfer.request.method, url: transfer.originalURL)
            self.finish(transfer, .failure(error))
        }
    }

    /// The error for a failed transfer; tells a low-speed abort (`stalled`) from a timeout.
    private func transferError(_ code: CURLcode, _ transfer: Transfer) -> HTTPClientError {
        let text = String(cString: transfer.errorBuffer)
        let error = CurlResult.error(code, errorBuffer: text, method: transfer.request.method, url: transfer.originalURL)
        guard code == CURLE_OPERATION_TIMEDOUT, transfer.request.lowSpeedLimit != nil, let easy = transfer.easy else {
            return error
        }
        var status = 0
        var totalMicroseconds: curl_off_t = 0
        _ = ccurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_easy_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &totalMicroseconds)
        let withinTimeout = transfer.request.timeoutMilliseconds.map { Int(totalMicroseconds) / 1000 < $0 } ?? true
        guard status > 0, withinTimeout else { return error }
        return HTTPClientError(
            code: .stalled,
            message: error.message,
            curlCode: error.curlCode,
            method: error.method,
            url: error.url
        )
    }

    private static func httpVersion(_ curlVersion: Int) -> HTTPVersion? {
        switch curlVersion {
        case CURL_HTTP_VERSION_1_0: return .http1_0
        case CURL_HTTP_VERSION_1_1: return .http1_1
        case CURL_HTTP_VERSION_2_0: return .http2
        case CURL_HTTP_VERSION_3: return .http3
        default: return nil
        }
    }
}

/// `curl_global_init`, run once before the first loop thread starts (Swift runs global initialisers once,
/// thread-safely).
private let curlGlobalInit: CURLcode = curl_global_init(ccurl_global_default())
