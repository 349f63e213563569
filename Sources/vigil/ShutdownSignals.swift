import Logging
import ServiceLifecycle
import UnixSignals

/// `vigil run`'s shutdown contract around its service group. The first SIGTERM or SIGINT starts a graceful
/// shutdown: services stop in reverse order, the controller stops taking work and lets in-flight
/// evaluations and writes finish, and the group cancels whatever is still running after its
/// `maximumGracefulShutdownDuration` (`--shutdown-grace-period`). A second SIGTERM or SIGINT cancels at
/// once. Either way the process then exits 0: Kubernetes sends SIGTERM, and SIGKILL only after
/// `terminationGracePeriodSeconds` (30 s by default), which the grace period stays well under.
///
/// The signals are trapped from ``trap()`` on, before the group exists, so one arriving while Vigil is
/// still starting is not lost and does not kill the process.
struct ShutdownSignals: Sendable {
    private let signals: UnixSignalsSequence

    private init(signals: UnixSignalsSequence) {
        self.signals = signals
    }

    /// Starts trapping SIGTERM and SIGINT.
    static func trap() async -> ShutdownSignals {
        ShutdownSignals(signals: await UnixSignalsSequence(trapping: .sigterm, .sigint))
    }

    private enum Outcome: Sendable {
        case groupFinished
        case cancelRequested
        case signalsEnded
    }

    /// Runs `group` (configured without signals of its own) until its services finish, applying the
    /// signals as above.
    /// - Throws: what the group throws, except the cancellation a signal asked for.
    func run(_ group: ServiceGroup, logger: Logger) async throws {
        let signals = self.signals
        try await withThrowingTaskGroup(of: Outcome.self) { tasks in
            tasks.addTask {
                try await group.run()
                return .groupFinished
            }
            tasks.addTask {
                var received = 0
                for await signal in signals {
                    received += 1
                    if received == 1 {
                        logger.info(
                            "signal received: finishing in-flight work", metadata: ["signal": "\(signal)"])
                        await group.triggerGracefulShutdown()
                    } else {
                        logger.warning(
                            "second signal received: cancelling in-flight work", metadata: ["signal": "\(signal)"])
                        return .cancelRequested
                    }
                }
                return .signalsEnded
            }
            var cancelled = false
            while true {
                let outcome: Outcome?
                do {
                    outcome = try await tasks.next()
                } catch is CancellationError where cancelled {
                    // The group was cancelled on request; its services stopped.
                    continue
                }
                switch outcome {
                case .groupFinished?, nil:
                    tasks.cancelAll()
                    return
                case .cancelRequested?:
                    cancelled = true
                    tasks.cancelAll()
                case .signalsEnded?:
                    continue
                }
            }
        }
    }
}
