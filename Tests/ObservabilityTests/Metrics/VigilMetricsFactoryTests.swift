import Foundation
import Metrics
import Observability
import Testing

@Suite("VigilMetricsFactory exposition")
struct VigilMetricsFactoryTests {
    static let kyvernoLabels: [(String, String)] = [
        ("policy_validation_mode", "audit"), ("policy_type", "cluster"), ("policy_background_mode", "true"),
        ("policy_namespace", "-"), ("policy_name", "require-labels"), ("resource_kind", "Pod"),
        ("resource_namespace", "shop"), ("resource_request_operation", "create"), ("rule_name", "check-team"),
        ("rule_result", "fail"), ("rule_type", "validate"), ("rule_execution_cause", "background_scan"),
        ("dry_run", "false"),
    ]

    func lines(_ factory: VigilMetricsFactory) -> [Substring] {
        String(decoding: factory.exposition(), as: UTF8.self).split(separator: "\n")
    }

    @Test func counterHasHelpTypeAndLabels() {
        let factory = VigilMetricsFactory()
        let counter = Counter(label: "kyverno_policy_results_total", dimensions: Self.kyvernoLabels, factory: factory)
        counter.increment(by: 3)
        let lines = lines(factory)
        #expect(lines.contains { $0.hasPrefix("# HELP kyverno_policy_results_total ") })
        #expect(lines.contains("# TYPE kyverno_policy_results_total counter"))
        let sample = lines.first { $0.hasPrefix("kyverno_policy_results_total{") }
        #expect(sample?.hasSuffix("} 3") == true)
        #expect(sample?.contains(#"rule_execution_cause="background_scan""#) == true)
        #expect(sample?.contains(#"policy_namespace="-""#) == true)
    }

    @Test func kyvernoDurationUsesKyvernoBuckets() {
        let factory = VigilMetricsFactory()
        let labels = Self.kyvernoLabels.filter {
            $0.0 != "resource_namespace" && $0.0 != "resource_request_operation"
        }
        let timer = Metrics.Timer(
            label: "kyverno_policy_execution_duration_seconds", dimensions: labels, factory: factory)
        timer.record(duration: .milliseconds(30))
        let buckets = lines(factory).filter { $0.hasPrefix("kyverno_policy_execution_duration_seconds_bucket{") }
        let bounds = buckets.compactMap { line -> Double? in
            guard let start = line.range(of: #"le=""#), let end = line[start.upperBound...].firstIndex(of: "\"")
            else { return nil }
            return Double(line[start.upperBound..<end])
        }
        #expect(bounds.filter(\.isFinite) == MetricCatalog.kyvernoBuckets)
        // 30 ms lands in every bucket from 0.05 up, not in 0.025.
        #expect(buckets.contains { $0.contains(#"le="0.025""#) && $0.hasSuffix(" 0") })
        #expect(buckets.contains { $0.contains(#"le="0.05""#) && $0.hasSuffix(" 1") })
        #expect(
            lines(factory).contains {
                $0.hasPrefix("kyverno_policy_execution_duration_seconds_sum{") && $0.hasSuffix(" 0.03")
            })
    }

    @Test func gaugesAndMetersAreGauges() {
        let factory = VigilMetricsFactory()
        Gauge(label: "vigil_queue_depth", factory: factory).record(7)
        Meter(label: "vigil_scan_objects", factory: factory).set(42)
        let lines = lines(factory)
        #expect(lines.contains("# TYPE vigil_queue_depth gauge"))
        #expect(lines.contains("vigil_queue_depth 7.0"))
        #expect(lines.contains("vigil_scan_objects 42.0"))
    }

    @Test func buildInfoIsOne() {
        let factory = VigilMetricsFactory()
        VigilMetrics.recordBuildInfo(version: "1.2.3", factory: factory)
        #expect(lines(factory).contains(#"vigil_build_info{version="1.2.3"} 1.0"#))
    }

    @Test func uncataloguedMetricStillGetsHelp() {
        let factory = VigilMetricsFactory()
        Counter(label: "vigil_experimental_total", factory: factory).increment()
        #expect(lines(factory).contains { $0.hasPrefix("# HELP vigil_experimental_total ") })
    }

    @Test func conflictingRegistrationsRecordNothingAndDoNotTrap() {
        let factory = VigilMetricsFactory()
        Counter(label: "vigil_queue_adds_total", factory: factory).increment(by: 2)
        // Same name as a gauge, and the same counter with labels: the registry would fatalError on both.
        Gauge(label: "vigil_queue_adds_total", factory: factory).record(99)
        Counter(label: "vigil_queue_adds_total", dimensions: [("queue", "x")], factory: factory).increment(by: 5)
        let lines = lines(factory)
        #expect(lines.contains("vigil_queue_adds_total 2"))
        #expect(lines.filter { $0.hasPrefix("vigil_queue_adds_total") }.count == 1)
        #expect(!lines.contains("# TYPE vigil_queue_adds_total gauge"))
    }

    @Test func separateFactoriesDoNotShareSeries() {
        let first = VigilMetricsFactory()
        let second = VigilMetricsFactory()
        Counter(label: "vigil_queue_retries_total", factory: first).increment()
        #expect(lines(first).contains("vigil_queue_retries_total 1"))
        #expect(!lines(second).contains { $0.hasPrefix("vigil_queue_retries_total") })
    }
}
