import Foundation

/// Waits for a child `Process` to exit without relying on Foundation noticing it.
///
/// swift-corelibs-foundation learns of a child's exit from SIGCHLD through a signal file descriptor, which
/// only works while every thread blocks SIGCHLD; in the test runner the main thread does not, so the signal
/// can be consumed there and the child stays a zombie while `Process.isRunning` stays true forever. This
/// reaps the child itself (`waitpid`, non-blocking) and falls back to Foundation's status when Foundation
/// reaped it first.
public enum ChildExit {
    /// How a child ended.
    public enum Outcome: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)
    }

    /// Polls (every 50 ms, on the calling thread) until `process` has ended or `timeout` seconds pass;
    /// returns nil on timeout. Blocking: call it from a dedicated thread, never from the cooperative pool.
    public static func poll(_ process: Process, timeout: Double) -> Outcome? {
        let deadline = Date().addingTimeInterval(timeout)
        let pid = process.processIdentifier
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
                let signal = status & 0x7f
                return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
            }
            if reaped == -1, errno == ECHILD {
                // Foundation reaped it: its status is final.
                while process.isRunning { Thread.sleep(forTimeInterval: 0.01) }
                return process.terminationReason == .exit
                    ? .exited(process.terminationStatus) : .signalled(process.terminationStatus)
            }
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Waits asynchronously (on a detached thread) for `process` to end, at most `timeout` seconds.
    public static func wait(_ process: Process, timeout: Double) async -> Outcome? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: poll(process, timeout: timeout)) }
        }
    }
}
