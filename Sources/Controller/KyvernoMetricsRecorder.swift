import Metrics
import PolicyEngine
import Synchronization

/// Records Kyverno's per-result metrics (`kyverno_policy_results_total`,
/// `kyverno_policy_execution_duration_seconds`) with the labels Kyverno's reports controller uses for a
/// background scan.
///
/// The handles are created once per label set and kept: a scan records one counter and one timer per rule
/// result, and building a 13-label handle through the metrics factory each time (label array, factory lookup
/// under its lock) cost more than the increment itself.
final class KyvernoMetricsRecorder: Sendable {
    /// The labels a policy contributes.
    private struct PolicyLabels: Hashable {
        var mode: String
        var type: String
        var namespace: String
        var name: String
    }

    /// The labels of one timer; a counter adds the resource's namespace.
    private struct TimerKey: Hashable {
        var policy: PolicyLabels
        var resourceKind: String
        var rule: String
        var status: String
    }

    private struct CounterKey: Hashable {
        var timer: TimerKey
        var resourceNamespace: String
    }

    private struct Handles {
        var counters: [CounterKey: Counter] = [:]
        var timers: [TimerKey: Metrics.Timer] = [:]
    }

    private let handles = Mutex(Handles())
    /// Where handles are made; `nil`: the factory `MetricsSystem` is bootstrapped with.
    private let factory: (any MetricsFactory)?

    init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// Handles kept so far (counters plus timers), for tests.
    var handleCount: Int { handles.withLock { $0.counters.count + $0.timers.count } }

    /// Records one evaluation of `policy` on a resource: a counter increment per result and the evaluation
    /// time under each result's labels, as Kyverno does.
    func record(
        _ policy: Policy, _ results: [RuleResult], resourceKind: String, resourceNamespace: String, elapsed: Duration
    ) {
        let labels = PolicyLabels(
            mode: policy.spec.validationFailureAction == .enforce ? "enforce" : "audit",
            type: policy.kind == .policy ? "namespaced" : "cluster", namespace: policy.namespace ?? "-",
            name: policy.name)
        record(
            labels, scored: policy.scored, results, resourceKind: resourceKind, resourceNamespace: resourceNamespace,
            elapsed: elapsed)
    }

    /// Records one evaluation of a ValidatingPolicy or NamespacedValidatingPolicy (mode `enforce` when its
    /// `validationActions` include `Deny`).
    func record(
        _ policy: ValidatingPolicy, _ results: [RuleResult], resourceKind: String, resourceNamespace: String,
        elapsed: Duration
    ) {
        let labels = PolicyLabels(
            mode: policy.spec.validationActions.contains("Deny") ? "enforce" : "audit",
            type: policy.kind == .namespacedValidatingPolicy ? "namespaced" : "cluster",
            namespace: policy.namespace ?? "-", name: policy.name)
        record(
            labels, scored: policy.scored, results, resourceKind: resourceKind, resourceNamespace: resourceNamespace,
            elapsed: elapsed)
    }

    private func record(
        _ labels: PolicyLabels, scored: Bool, _ results: [RuleResult], resourceKind: String,
        resourceNamespace: String, elapsed: Duration
    ) {
        let nanoseconds = elapsed.nanoseconds
        for result in results {
            let timerKey = TimerKey(
                policy: labels, resourceKind: resourceKind, rule: result.ruleName,
                status: result.reportStatus(scored: scored).rawValue)
            let counterKey = CounterKey(timer: timerKey, resourceNamespace: resourceNamespace)
            let (counter, timer) = handles.withLock { handles in
                (
                    Self.cached(&handles.counters, counterKey) { self.counter(counterKey) },
                    Self.cached(&handles.timers, timerKey) { self.timer(timerKey) }
                )
            }
            counter.increment()
            timer.recordNanoseconds(nanoseconds)
        }
    }

    /// The handle kept under `key`, made on first use (a hit neither builds one nor writes the dictionary).
    private static func cached<Key: Hashable, Handle>(
        _ handles: inout [Key: Handle], _ key: Key, make: () -> Handle
    ) -> Handle {
        if let handle = handles[key] { return handle }
        let handle = make()
        handles[key] = handle
        return handle
    }

    private func counter(_ key: CounterKey) -> Counter {
        let policy = key.timer.policy
        return Counter(
            label: "kyverno_policy_results_total",
            dimensions: [
                ("policy_validation_mode", policy.mode), ("policy_type", policy.type),
                ("policy_background_mode", "true"), ("policy_namespace", policy.namespace),
                ("policy_name", policy.name), ("resource_kind", key.timer.resourceKind),
                ("resource_namespace", key.resourceNamespace), ("resource_request_operation", "create"),
                ("rule_name", key.timer.rule), ("rule_result", key.timer.status), ("rule_type", "validate"),
                ("rule_execution_cause", "background_scan"), ("dry_run", "false"),
            ], factory: factory ?? MetricsSystem.factory)
    }

    private func timer(_ key: TimerKey) -> Metrics.Timer {
        let policy = key.policy
        return Metrics.Timer(
            label: "kyverno_policy_execution_duration_seconds",
            dimensions: [
                ("policy_validation_mode", policy.mode), ("policy_type", policy.type),
                ("policy_background_mode", "true"), ("policy_namespace", policy.namespace),
                ("policy_name", policy.name), ("resource_kind", key.resourceKind), ("rule_name", key.rule),
                ("rule_result", key.status), ("rule_type", "validate"), ("rule_execution_cause", "background_scan"),
                ("dry_run", "false"),
            ], factory: factory ?? MetricsSystem.factory)
    }
}
