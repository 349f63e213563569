import Synchronization

/// A one-way signal (graceful shutdown began, the policy sources are ready, an informer is to stop): waits
/// end when it fires (or when the waiting task is cancelled), and waits that start after it end at once.
/// What the controller awaits instead of polling a flag.
final class Latch: Sendable {
    private struct State {
        var fired = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Whether it has fired.
    var hasFired: Bool { state.withLock { $0.fired } }

    /// Fires: every wait ends now and from now on.
    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the latch has fired or the task is cancelled.
    func wait() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.fired || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Runs `body` unless the latch fires first, in which case `body` is cancelled. Returns whether `body`
    /// finished (false: shutdown began or the task was cancelled).
    func unlessFired(_ body: @escaping @Sendable () async -> Void) async -> Bool {
        if hasFired { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return !Task.isCancelled
            }
            group.addTask {
                await self.wait()
                return false
            }
            let finished = await group.next() ?? false
            group.cancelAll()
            return finished && !Task.isCancelled
        }
    }
}
