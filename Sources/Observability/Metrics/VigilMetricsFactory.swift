import Logging
import Metrics
import Prometheus
import Synchronization

/// A swift-metrics `MetricsFactory` that records into a Prometheus registry, with help texts and histogram
/// buckets from a ``MetricCatalog``.
///
/// Unlike swift-prometheus's own `PrometheusMetricsFactory`, it emits a `# HELP` line for every family
/// (`promtool check metrics` requires one) and never traps on a programming error elsewhere in the
/// process: a metric registered under a name that already exists with another type, or with labels where
/// the existing family has none (or the reverse), gets a no-op handler and one warning in the log instead
/// of the registry's `fatalError`.
///
/// Tests create their own factory and pass it to `Counter(label:dimensions:factory:)`; the executable
/// installs one process-wide with ``VigilMetrics/bootstrap(version:logger:)``.
public final class VigilMetricsFactory: MetricsFactory, Sendable {
    /// Where the metrics live; ``exposition()`` renders it.
    public let registry: PrometheusCollectorRegistry
    /// Help texts, types and buckets by metric name.
    public let catalog: MetricCatalog
    /// Buckets (seconds) for timers that are not in the catalog.
    public let defaultTimerBuckets: [Double]
    /// Buckets for aggregating recorders that are not in the catalog.
    public let defaultValueBuckets: [Double]
    private let logger: Logger

    /// The shape each family was first registered with, so conflicting registrations are refused.
    private struct FamilyShape: Equatable {
        var kind: MetricDefinition.Kind
        var labeled: Bool
    }

    private struct State {
        var shapes: [String: FamilyShape] = [:]
        /// Names already warned about, so a hot path that keeps registering a bad metric logs once.
        var warned: Set<String> = []
    }

    private let state = Mutex(State())
    /// Run before every exposition to refresh metrics that are sampled rather than counted.
    private let collectors = Mutex<[@Sendable () -> Void]>([])

    /// Creates a factory over `registry` (a new, empty one by default).
    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        catalog: MetricCatalog = .vigil,
        defaultTimerBuckets: [Double] = MetricCatalog.kyvernoBuckets,
        defaultValueBuckets: [Double] = [1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 50000, 100_000],
        logger: Logger = Logger(label: "vigil.metrics")
    ) {
        self.registry = registry
        self.catalog = catalog
        self.defaultTimerBuckets = defaultTimerBuckets
        self.defaultValueBuckets = defaultValueBuckets
        self.logger = logger
    }

    /// The registry's metrics in the Prometheus text exposition format, version 0.0.4, after running the
    /// collectors added with ``addCollector(_:)``.
    public func exposition() -> [UInt8] {
        for collect in collectors.withLock({ $0 }) { collect() }
        return registry.emitToBuffer()
    }

    /// Adds a closure that refreshes sampled metrics (e.g. ``ProcessMetrics``) before each exposition. It
    /// runs on the scraping request's task, so it must be quick and must not block.
    public func addCollector(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// The content type of ``exposition()``.
    public static let expositionContentType = "text/plain; version=0.0.4; charset=utf-8"

    // MARK: MetricsFactory

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let descriptor = admit(label, dimensions, as: .counter) else { return NOOPMetricsHandler.instance }
        return registry.makeCounter(descriptor: descriptor, labels: dimensions)
    }

    public func makeFloatingPointCounter(
        label: String, dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        guard let descriptor = admit(label, dimensions, as: .counter) else { return NOOPMetricsHandler.instance }
        return registry.makeCounter(descriptor: descriptor, labels: dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let descriptor = admit(label, dimensions, as: .gauge) else { return NOOPMetricsHandler.instance }
        return registry.makeGauge(descriptor: descriptor, labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else {
            guard let descriptor = admit(label, dimensions, as: .gauge) else { return NOOPMetricsHandler.instance }
            return registry.makeGauge(descriptor: descriptor, labels: dimensions)
        }
        guard let descriptor = admit(label, dimensions, as: .histogram) else { return NOOPMetricsHandler.instance }
        let buckets = catalog[label].map(\.buckets).flatMap { $0.isEmpty ? nil : $0 } ?? defaultValueBuckets
        return registry.makeValueHistogram(descriptor: descriptor, labels: dimensions, buckets: buckets)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let descriptor = admit(label, dimensions, as: .histogram) else { return NOOPMetricsHandler.instance }
        let seconds = catalog[label].map(\.buckets).flatMap { $0.isEmpty ? nil : $0 } ?? defaultTimerBuckets
        let buckets = seconds.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        return registry.makeDurationHistogram(descriptor: descriptor, labels: dimensions, buckets: buckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge {
            registry.unregisterGauge(gauge)
        } else if let histogram = handler as? ValueHistogram {
            registry.unregisterValueHistogram(histogram)
        }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }

    // MARK: Admission

    /// The descriptor to register `name` with, or `nil` (after one warning) when the registration would
    /// conflict with the family already registered under that name.
    private func admit(
        _ name: String, _ dimensions: [(String, String)], as kind: MetricDefinition.Kind
    ) -> MetricNameDescriptor? {
        guard !name.isEmpty else {
            warnOnce(name, "a metric with an empty name was dropped")
            return nil
        }
        let definition = catalog[name]
        let shape = FamilyShape(kind: kind, labeled: !dimensions.isEmpty)
        let existing: FamilyShape? = state.withLock { state in
            if let existing = state.shapes[name] { return existing }
            state.shapes[name] = shape
            return nil
        }
        if let existing, existing != shape {
            warnOnce(
                name,
                "metric registered as \(shape.kind.rawValue)\(shape.labeled ? " with labels" : " without labels"),"
                    + " but the family is a \(existing.kind.rawValue)\(existing.labeled ? " with labels" : " without labels");"
                    + " this registration records nothing")
            return nil
        }
        if let definition {
            if definition.kind != kind {
                warnOnce(
                    name, "metric is documented as a \(definition.kind.rawValue) but registered as \(kind.rawValue)")
            } else if dimensions.map(\.0) != definition.labelNames {
                warnOnce(
                    name,
                    "metric labels \(dimensions.map(\.0)) differ from the documented \(definition.labelNames)")
            }
        }
        let help = definition?.help ?? "\(name) (not described in Vigil's metric catalog)."
        return MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    private func warnOnce(_ name: String, _ message: String) {
        let first = state.withLock { $0.warned.insert(name).inserted }
        if first { logger.warning("\(message)", metadata: ["metric": "\(name)"]) }
    }
}
