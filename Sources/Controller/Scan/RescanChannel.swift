import Synchronization

/// The rescan requests of one leadership term, served in order by the ``ScanScheduler``.
///
/// Events (policy, Namespace and GlobalContextEntry changes) are only taken once the channel is open: the
/// first scan, which starts the informers, covers whatever came before. A resync's request is taken from
/// the start of the term, with a ``RescanTicket`` the channel finishes, unserved, when the term ends.
final class RescanChannel: Sendable {
    private struct State {
        var open = false
        var finished = false
        var tickets: [RescanTicket] = []
    }

    let requests: AsyncStream<RescanRequest>
    private let continuation: AsyncStream<RescanRequest>.Continuation
    private let state = Mutex(State())

    init() {
        (requests, continuation) = AsyncStream.makeStream()
    }

    /// Takes events from now on.
    func open() {
        state.withLock { $0.open = true }
    }

    /// Sends an event's request when the channel is open; dropped otherwise.
    func send(_ request: RescanRequest) {
        guard state.withLock({ $0.open && !$0.finished }) else { return }
        continuation.yield(request)
    }

    /// Sends `request` with `ticket` as its completion and waits until it is served (true) or abandoned
    /// (false, also when the waiting task is cancelled).
    func submit(_ request: RescanRequest, ticket: RescanTicket) async -> Bool {
        var request = request
        request.completion = ticket
        let queued = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.tickets.append(ticket)
            if case .enqueued = continuation.yield(request) { return true }
            return false
        }
        if !queued { ticket.finish(completed: false) }
        let completed = await ticket.wait()
        state.withLock { $0.tickets.removeAll { $0 === ticket } }
        return completed
    }

    /// Ends the term's requests: those still queued are never served, and their waiters learn it.
    func finish() {
        let tickets = state.withLock { state in
            state.finished = true
            defer { state.tickets = [] }
            return state.tickets
        }
        continuation.finish()
        for ticket in tickets { ticket.finish(completed: false) }
    }
}
