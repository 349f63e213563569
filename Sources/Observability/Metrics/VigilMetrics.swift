import Logging
import Metrics
import Synchronization

/// Observability for Vigil: the Prometheus metrics registry behind swift-metrics, the adapter for the
/// Kubernetes client's request metrics, readiness and liveness state, and the HTTP endpoints that serve
/// `/metrics`, `/healthz` and `/readyz`.
///
/// swift-metrics has one process-wide factory that can be set once. The executable calls
/// ``bootstrap(version:logger:)`` (safe to call again: later calls return the first factory); tests never
/// bootstrap and instead create a ``VigilMetricsFactory`` and pass it to the metric initialisers.
public enum VigilMetrics {
    private static let installed = Mutex<VigilMetricsFactory?>(nil)

    /// Installs a ``VigilMetricsFactory`` as the process-wide swift-metrics backend, once, records
    /// `vigil_build_info{version}` = 1 and adds the `process_*` metrics (``ProcessMetrics``).
    ///
    /// Returns the installed factory (its ``VigilMetricsFactory/exposition()`` is what `/metrics` serves).
    /// A second call returns the factory installed by the first and changes nothing; if another backend was
    /// bootstrapped by someone else first, swift-metrics traps, as it does for any double bootstrap.
    @discardableResult
    public static func bootstrap(version: String, logger: Logger = Logger(label: "vigil.metrics"))
        -> VigilMetricsFactory
    {
        installed.withLock { installed in
            if let installed { return installed }
            let factory = VigilMetricsFactory(logger: logger)
            MetricsSystem.bootstrap(factory)
            recordBuildInfo(version: version, factory: factory)
            ProcessMetrics.register(in: factory)
            installed = factory
            return factory
        }
    }

    /// The factory installed by ``bootstrap(version:logger:)``, if it ran.
    public static var bootstrapped: VigilMetricsFactory? { installed.withLock { $0 } }

    /// Sets `vigil_build_info{version}` to 1 in `factory`.
    public static func recordBuildInfo(version: String, factory: any MetricsFactory) {
        Gauge(label: "vigil_build_info", dimensions: [("version", version)], factory: factory).record(1)
    }
}
