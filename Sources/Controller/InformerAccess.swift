import KubeClient
import Logging
import Metrics
import Synchronization

/// Which informers the API server forbids to list or watch (HTTP 403).
///
/// Each change is logged once (a warning naming the kind and verbs when access is refused, a notice when
/// it is granted again) and exported as the gauge `vigil_informer_forbidden{resource,verb}` (1 refused,
/// 0 permitted). The informers keep retrying with their capped backoff, so an RBAC grant starts them
/// without a restart.
final class InformerAccess: Sendable {
    static let verbs = ["list", "watch"]

    private let forbidden = Mutex<[GroupVersionResource: Set<String>]>([:])
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The resources with at least one forbidden verb.
    var forbiddenResources: [GroupVersionResource: Set<String>] { forbidden.withLock { $0 } }

    /// Records the verbs the server now forbids for `resource` (of kind `kind`).
    func update(kind: String, resource: GroupVersionResource, forbiddenVerbs verbs: Set<String>) {
        let before = forbidden.withLock { state in
            let before = state[resource] ?? []
            state[resource] = verbs.isEmpty ? nil : verbs
            return before
        }
        guard before != verbs else { return }
        record(resource, verbs)
        let metadata: Logger.Metadata = [
            "kind": "\(kind)", "resource": "\(resource)", "verb": "\(verbs.sorted().joined(separator: ","))",
        ]
        if verbs.isEmpty {
            logger.notice("access granted: informer running", metadata: metadata)
        } else {
            logger.warning(
                "access forbidden: this kind is not scanned until Vigil may list and watch it", metadata: metadata)
        }
    }

    /// Forgets `resource` (its informer stopped): its gauges go to 0.
    func remove(_ resource: GroupVersionResource) {
        let before = forbidden.withLock { $0.removeValue(forKey: resource) }
        if before != nil { record(resource, []) }
    }

    private func record(_ resource: GroupVersionResource, _ verbs: Set<String>) {
        for verb in Self.verbs {
            Gauge(label: "vigil_informer_forbidden", dimensions: [("resource", resource.metricLabel), ("verb", verb)])
                .record(verbs.contains(verb) ? 1 : 0)
        }
    }
}
