/// One metric of Vigil's fixed metric contract (/work/METRICS.md): its Prometheus type, help text, label
/// names and, for histograms, bucket upper bounds in seconds.
public struct MetricDefinition: Sendable, Hashable {
    /// The Prometheus type a metric is exposed as.
    public enum Kind: String, Sendable, Hashable {
        /// A swift-metrics `Counter` or `FloatingPointCounter`.
        case counter
        /// A swift-metrics `Gauge`, `Meter` or non-aggregating `Recorder`.
        case gauge
        /// A swift-metrics `Timer` (seconds) or aggregating `Recorder`.
        case histogram
    }

    /// The full metric name, e.g. `vigil_queue_depth`.
    public var name: String
    public var kind: Kind
    /// The `# HELP` text.
    public var help: String
    /// The label names the metric is documented with, in order.
    public var labelNames: [String]
    /// Histogram bucket upper bounds (seconds for timers); empty for counters and gauges.
    public var buckets: [Double]

    public init(name: String, kind: Kind, help: String, labelNames: [String] = [], buckets: [Double] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets
    }
}
