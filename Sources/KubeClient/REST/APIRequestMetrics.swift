public import Metrics
import Synchronization

/// The client's request metrics through swift-metrics: `vigil_api_requests_total{verb,resource,code}` and
/// `vigil_api_request_duration_seconds{verb,resource}`, recorded by every ``KubeClient`` into its
/// `metricsFactory` (the process-wide factory by default: whatever the process bootstrapped).
///
/// The label values come from the client and are bounded (verb, `plural.group`, status); the handlers are
/// cached so a request costs one dictionary lookup under a lock and two atomic-ish updates.
public final class APIRequestMetrics: Sendable {
    private struct CounterKey: Hashable {
        var verb: String
        var resource: String
        var code: String
    }

    private struct TimerKey: Hashable {
        var verb: String
        var resource: String
    }

    private struct Handlers {
        var counters: [CounterKey: Counter] = [:]
        var timers: [TimerKey: Metrics.Timer] = [:]
    }

    private let factory: any MetricsFactory
    private let handlers = Mutex(Handlers())

    /// Records into `factory` (the process-wide swift-metrics factory by default).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Counts one request attempt and records its duration.
    public func record(_ metric: RequestMetric) {
        let code = metric.statusCode.map(String.init) ?? "error"
        let (counter, timer) = handlers.withLock { handlers in
            let counterKey = CounterKey(verb: metric.verb, resource: metric.resource, code: code)
            let counter =
                handlers.counters[counterKey]
                ?? Counter(
                    label: "vigil_api_requests_total",
                    dimensions: [("verb", metric.verb), ("resource", metric.resource), ("code", code)],
                    factory: factory)
            handlers.counters[counterKey] = counter
            let timerKey = TimerKey(verb: metric.verb, resource: metric.resource)
            let timer =
                handlers.timers[timerKey]
                ?? Metrics.Timer(
                    label: "vigil_api_request_duration_seconds",
                    dimensions: [("verb", metric.verb), ("resource", metric.resource)],
                    factory: factory)
            handlers.timers[timerKey] = timer
            return (counter, timer)
        }
        counter.increment()
        timer.record(duration: metric.duration)
    }
}
