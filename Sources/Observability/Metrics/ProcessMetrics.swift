import Foundation
import Metrics
import Synchronization

/// The standard `process_*` metrics Prometheus client libraries export (CPU time, memory, open file
/// descriptors, start time), read from `/proc/self` when `/metrics` is scraped.
///
/// Linux only; elsewhere ``collect()`` records nothing.
public final class ProcessMetrics: Sendable {
    private let cpuSeconds: FloatingPointCounter
    private let residentBytes: Gauge
    private let virtualBytes: Gauge
    private let startTime: Gauge
    private let openFDs: Gauge
    private let maxFDs: Gauge
    /// CPU seconds already added to the counter (the kernel reports a running total).
    private let reportedCPU = Mutex<Double>(0)

    /// Creates the metrics in `factory`; call ``collect()`` before each exposition, or use
    /// ``register(in:)`` to have the factory do it.
    public init(factory: any MetricsFactory) {
        cpuSeconds = FloatingPointCounter(label: "process_cpu_seconds_total", factory: factory)
        residentBytes = Gauge(label: "process_resident_memory_bytes", factory: factory)
        virtualBytes = Gauge(label: "process_virtual_memory_bytes", factory: factory)
        startTime = Gauge(label: "process_start_time_seconds", factory: factory)
        openFDs = Gauge(label: "process_open_fds", factory: factory)
        maxFDs = Gauge(label: "process_max_fds", factory: factory)
    }

    /// Creates the metrics in `factory` and refreshes them before every exposition of it.
    @discardableResult
    public static func register(in factory: VigilMetricsFactory) -> ProcessMetrics {
        let metrics = ProcessMetrics(factory: factory)
        factory.addCollector { metrics.collect() }
        return metrics
    }

    /// Reads `/proc/self` and updates the metrics.
    public func collect() {
        #if os(Linux)
            guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
                let fields = Self.statFields(stat)
            else { return }
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
            // Fields after "(comm) ": index 0 is field 3 (state); utime 14, stime 15, starttime 22, vsize 23, rss 24.
            func field(_ number: Int) -> Double? { Double(fields[number - 3]) }
            if ticks > 0, let user = field(14), let system = field(15) {
                let total = (user + system) / ticks
                let delta = reportedCPU.withLock { reported -> Double in
                    let delta = total - reported
                    if delta > 0 { reported = total }
                    return delta
                }
                if delta > 0 { cpuSeconds.increment(by: delta) }
            }
            if let rss = field(24) { residentBytes.record(rss * pageSize) }
            if let vsize = field(23) { virtualBytes.record(vsize) }
            if ticks > 0, let started = field(22), let boot = Self.bootTime() {
                startTime.record(boot + started / ticks)
            }
            if let count = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count {
                openFDs.record(Double(count))
            }
            var limit = rlimit()
            if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFDs.record(Double(limit.rlim_cur)) }
        #endif
    }

    /// The space-separated fields of `/proc/self/stat` after the parenthesised command name (which may
    /// itself contain spaces and parentheses), or `nil` when the line is malformed or too short.
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        return fields.count >= 22 ? fields : nil
    }

    private static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
