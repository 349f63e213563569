import Logging
import ServiceLifecycle

/// One leadership term of the scan: its work queue and the four services that share it, run by one
/// `ServiceGroup` until the term ends.
///
/// ```
/// PolicySources ──rescans──▶ ScanScheduler ──lists──┐
///       │                         │ reconcile       ▼
///       └────── kinds ─────▶ KindInformers ──events──▶ WorkQueue ──▶ ScanWorkers ──▶ ReportWriter
/// ```
///
/// The group starts them together (each waits for what it needs: the scheduler for the policy sources)
/// and shuts them down gracefully in reverse order: the workers first (the queue shuts down, in-flight
/// evaluations and writes finish), then the scheduler, the kind informers and the policy sources. A term
/// ends by graceful shutdown (``beginShutdown()``) or by cancellation (leadership lost); a new leader
/// starts a new term.
final class ScanTerm: Sendable {
    let queue: WorkQueue<ScanItem>
    let sources: PolicySources
    let kindInformers: KindInformers
    let scheduler: ScanScheduler
    let workers: ScanWorkers
    private let group: ServiceGroup

    init(context: ScanContext) {
        let term = TermContext(scan: context, queue: Self.makeQueue(context.configuration))
        queue = term.queue
        kindInformers = KindInformers(term: term)
        sources = PolicySources(term: term, kindInformers: kindInformers)
        scheduler = ScanScheduler(term: term, kindInformers: kindInformers, sources: sources)
        workers = ScanWorkers(term: term, kindInformers: kindInformers)
        // A service that returns (the term is ending) shuts the others down gracefully too.
        let services: [any Service] = [sources, kindInformers, scheduler, workers]
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: $0, successTerminationBehavior: .gracefullyShutdownGroup)
                }, logger: context.logger))
    }

    /// The work queue of a term: a deletion queued for a key is never replaced by an evaluation
    /// (``ScanItem/merge(_:_:)``), so a list page read before an object was deleted cannot bring its report
    /// back.
    static func makeQueue(_ configuration: ReportsController.Configuration) -> WorkQueue<ScanItem> {
        WorkQueue<ScanItem>(
            capacity: configuration.queueCapacity, backoff: configuration.retryBackoff, merge: ScanItem.merge)
    }

    /// Waits for the calling service's turn to stop. A service whose work ended early because shutdown
    /// began must not return before the group asks it to: the group would take that for a failure and
    /// cancel the others while they drain. Returns at once when the term is cancelled.
    static func awaitOwnShutdown() async {
        // Throws only when cancelled, which ends the wait as intended.
        try? await gracefulShutdown()
    }

    /// Runs the term's services until they have shut down gracefully or the task is cancelled.
    func run() async throws {
        try await group.run()
    }

    /// Begins the graceful shutdown of the term's services.
    func beginShutdown() async {
        await group.triggerGracefulShutdown()
    }
}

/// What the services of one term share: the controller's ``ScanContext``, the term's work queue, the scan
/// content its workers last evaluated, and its rescan requests.
struct TermContext: Sendable {
    let scan: ScanContext
    let queue: WorkQueue<ScanItem>
    let evaluated = EvaluatedContent()
    let rescans = RescanChannel()
}
