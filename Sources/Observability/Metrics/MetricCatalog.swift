/// The metrics Vigil exposes, by name: help texts, types, labels and histogram buckets.
///
/// The names and labels are a fixed contract (METRICS.md); `kyverno_*` series keep Kyverno's label names
/// so existing dashboards and alerts work unchanged.
public struct MetricCatalog: Sendable {
    /// Kyverno's default histogram buckets (seconds), used by `kyverno_policy_execution_duration_seconds`.
    public static let kyvernoBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 25, 30,
    ]
    /// Buckets for Kubernetes API calls (client-go's `rest_client_request_duration_seconds`).
    public static let apiRequestBuckets: [Double] = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60]
    /// Buckets for work-queue waits and work items: sub-millisecond to a minute.
    public static let queueBuckets: [Double] = [
        0.0001, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]
    /// Buckets for registry lookups: network round trips up to the lookup timeout.
    public static let registryBuckets: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    /// Buckets for full scans: a fraction of a second (tiny cluster) to an hour (the resync interval).
    public static let scanBuckets: [Double] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

    /// The definitions by metric name.
    public private(set) var definitions: [String: MetricDefinition]

    /// A catalog of these definitions (later ones replace earlier ones with the same name).
    public init(_ definitions: [MetricDefinition]) {
        self.definitions = [:]
        for definition in definitions { self.definitions[definition.name] = definition }
    }

    /// The definition of `name`, if it is in the catalog.
    public subscript(name: String) -> MetricDefinition? { definitions[name] }

    /// Vigil's metric contract.
    public static let vigil = MetricCatalog(kyverno + controller + client + process)

    private static let kyvernoLabels = [
        "policy_validation_mode", "policy_type", "policy_background_mode", "policy_namespace", "policy_name",
        "resource_kind", "resource_namespace", "resource_request_operation", "rule_name", "rule_result",
        "rule_type", "rule_execution_cause", "dry_run",
    ]

    private static let kyverno: [MetricDefinition] = [
        .init(
            name: "kyverno_policy_results_total", kind: .counter,
            help: "Rule results of background scans, as Kyverno's metric of the same name.",
            labelNames: kyvernoLabels),
        .init(
            name: "kyverno_policy_execution_duration_seconds", kind: .histogram,
            help: "Time to evaluate one rule against one resource in a background scan, in seconds.",
            labelNames: kyvernoLabels.filter { $0 != "resource_namespace" && $0 != "resource_request_operation" },
            buckets: kyvernoBuckets),
    ]

    private static let controller: [MetricDefinition] = [
        .init(name: "vigil_queue_depth", kind: .gauge, help: "Keys waiting in the work queue."),
        .init(name: "vigil_queue_adds_total", kind: .counter, help: "Keys added to the work queue."),
        .init(name: "vigil_queue_retries_total", kind: .counter, help: "Keys re-queued after a failed evaluation."),
        .init(
            name: "vigil_queue_latency_seconds", kind: .histogram,
            help: "Time a key waits in the work queue before a worker takes it, in seconds.", buckets: queueBuckets),
        .init(
            name: "vigil_queue_work_duration_seconds", kind: .histogram,
            help: "Time a worker spends on one key, in seconds.", buckets: queueBuckets),
        .init(
            name: "vigil_informer_synced", kind: .gauge,
            help: "1 when the informer for the resource has listed it completely, else 0.", labelNames: ["resource"]),
        .init(
            name: "vigil_informer_events_total", kind: .counter,
            help: "Watch and resync events handled by informers.", labelNames: ["resource", "type"]),
        .init(
            name: "vigil_informer_relists_total", kind: .counter,
            help: "Full relists of a resource (start, expired resourceVersion).", labelNames: ["resource"]),
        .init(
            name: "vigil_registry_lookups_total", kind: .counter,
            help: "Image registry lookups by outcome class and cache result.", labelNames: ["class", "cache"]),
        .init(
            name: "vigil_registry_lookup_duration_seconds", kind: .histogram,
            help: "Duration of image registry lookups that went to the network, in seconds.",
            buckets: registryBuckets),
        .init(
            name: "vigil_report_writes_total", kind: .counter,
            help: "Report writes by operation; skipped_unchanged counts writes avoided because nothing changed.",
            labelNames: ["operation"]),
        .init(
            name: "vigil_report_write_conflicts_total", kind: .counter,
            help: "Report writes that hit a 409 Conflict and were retried from a fresh read."),
        .init(
            name: "vigil_scan_duration_seconds", kind: .histogram,
            help: "Duration of one full scan or resync, in seconds.", buckets: scanBuckets),
        .init(name: "vigil_scan_objects", kind: .gauge, help: "Objects evaluated in the last full scan."),
        .init(name: "vigil_policies", kind: .gauge, help: "Policies by state.", labelNames: ["state"]),
        .init(
            name: "vigil_leader", kind: .gauge, help: "1 while this replica holds the shard's lease.",
            labelNames: ["shard"]),
        .init(
            name: "vigil_build_info", kind: .gauge, help: "Always 1; the version label names the running build.",
            labelNames: ["version"]),
    ]

    /// The names and help texts of the Prometheus client libraries' process collector.
    private static let process: [MetricDefinition] = [
        .init(
            name: "process_cpu_seconds_total", kind: .counter, help: "Total user and system CPU time spent in seconds."),
        .init(name: "process_resident_memory_bytes", kind: .gauge, help: "Resident memory size in bytes."),
        .init(name: "process_virtual_memory_bytes", kind: .gauge, help: "Virtual memory size in bytes."),
        .init(
            name: "process_start_time_seconds", kind: .gauge,
            help: "Start time of the process since unix epoch in seconds."),
        .init(name: "process_open_fds", kind: .gauge, help: "Number of open file descriptors."),
        .init(name: "process_max_fds", kind: .gauge, help: "Maximum number of open file descriptors."),
    ]

    private static let client: [MetricDefinition] = [
        .init(
            name: "vigil_api_requests_total", kind: .counter,
            help: "Kubernetes API requests by verb, resource and HTTP status (\"error\" when no response arrived).",
            labelNames: ["verb", "resource", "code"]),
        .init(
            name: "vigil_api_request_duration_seconds", kind: .histogram,
            help: "Duration of Kubernetes API requests (watches: until the response head), in seconds.",
            labelNames: ["verb", "resource"], buckets: apiRequestBuckets),
    ]
}
