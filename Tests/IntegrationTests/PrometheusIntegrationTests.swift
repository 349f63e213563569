import Foundation
import HTTPClient
import JSONValue
import KubeClient
import LocalAPIServer
import Logging
import Metrics
import Observability
import ServiceLifecycle
import Testing

/// The metrics endpoint against the real Prometheus tools (Debian's `prometheus` package): `promtool check
/// metrics` lints the served exposition, and a real Prometheus scrapes the in-process server.
@Suite("Prometheus scrapes /metrics")
struct PrometheusIntegrationTests {
    /// The Kyverno label set of one background-scan result (METRICS.md).
    static let resultLabels: [(String, String)] = [
        ("policy_validation_mode", "audit"), ("policy_type", "cluster"), ("policy_background_mode", "true"),
        ("policy_namespace", "-"), ("policy_name", "require-labels"), ("resource_kind", "Pod"),
        ("resource_namespace", "shop"), ("resource_request_operation", "create"), ("rule_name", "check-for-labels"),
        ("rule_result", "fail"), ("rule_type", "validate"), ("rule_execution_cause", "background_scan"),
        ("dry_run", "false"),
    ]

    /// A factory with one sample of every metric in the catalog, labelled as documented, and the real
    /// process metrics.
    static func populatedFactory() -> VigilMetricsFactory {
        let factory = VigilMetricsFactory()
        ProcessMetrics.register(in: factory)
        for definition in MetricCatalog.vigil.definitions.values where !definition.name.hasPrefix("process_") {
            let dimensions = definition.labelNames.map { name in
                (name, resultLabels.first { $0.0 == name }?.1 ?? "\(name)-value")
            }
            switch definition.kind {
            case .counter:
                Counter(label: definition.name, dimensions: dimensions, factory: factory).increment(by: 3)
            case .gauge:
                Gauge(label: definition.name, dimensions: dimensions, factory: factory).record(1)
            case .histogram:
                Metrics.Timer(label: definition.name, dimensions: dimensions, factory: factory)
                    .record(duration: .milliseconds(120))
            }
        }
        APIRequestMetrics(factory: factory).record(
            .init(verb: "list", resource: "pods", statusCode: 200, duration: .milliseconds(8), attempt: 0))
        return factory
    }

    /// The Kubernetes client records its own requests through swift-metrics into the factory it is given:
    /// no hook, no adapter module between them.
    @Test func theKubernetesClientRecordsItsRequestsInItsFactory() async throws {
        let factory = VigilMetricsFactory()
        try await ServerHarness.withServer { server in
            try server.apply(ServerHarness.configMap("one"))
            try await ServerHarness.withClient(ServerHarness.configuration(for: server), metricsFactory: factory) {
                client in
                let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
                _ = try await client.list(configMaps, namespace: "default")
                _ = try await client.list(configMaps, namespace: "default")
                await #expect(throws: KubeAPIError.self) {
                    _ = try await client.get(configMaps, namespace: "default", name: "missing")
                }
            }
        }
        let text = String(decoding: factory.exposition(), as: UTF8.self)
        #expect(text.contains(#"vigil_api_requests_total{verb="list",resource="configmaps",code="200"} 2"#), "\(text)")
        #expect(text.contains(#"vigil_api_requests_total{verb="get",resource="configmaps",code="404"} 1"#), "\(text)")
        #expect(text.contains(#"vigil_api_request_duration_seconds_count{verb="list",resource="configmaps"} 2"#))
    }

    func withServer(_ body: (Int, HTTPClient) async throws -> Void) async throws {
        let logger = Logger(label: "test.prometheus")
        let server = ObservabilityServer(
            configuration: .init(
                metricsAddress: ListenAddress(host: "127.0.0.1", port: 0),
                healthAddress: ListenAddress(host: "127.0.0.1", port: 0)),
            metrics: Self.populatedFactory(), health: HealthState(), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let running = Task { try await group.run() }
        let client = try HTTPClient()
        do {
            let ports = try await server.waitUntilBound()
            try await body(try #require(ports.metrics), client)
        } catch {
            await client.shutdown()
            await group.triggerGracefulShutdown()
            _ = await running.result
            throw error
        }
        await client.shutdown()
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test(.enabled(if: ToolProcess.isOnPath("promtool"), "promtool is not installed (Debian package prometheus)"))
    func promtoolAcceptsTheExposition() async throws {
        try await withServer { port, client in
            let response = try await client.execute(
                HTTPRequest(url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(10)))
            #expect(response.status == 200)
            let text = String(decoding: response.body, as: UTF8.self)
            // Every catalogued family is present, so the lint covers all of them.
            for name in MetricCatalog.vigil.definitions.keys {
                #expect(text.contains("# TYPE \(name) "), "missing \(name)")
            }
            let lint = try await ToolProcess.run("promtool", ["check", "metrics"], input: response.body)
            #expect(lint.status == 0, "promtool: \(lint.output)\(lint.error)")
            #expect(lint.output.isEmpty && lint.error.isEmpty, "promtool: \(lint.output)\(lint.error)")
        }
    }

    @Test(.enabled(if: ToolProcess.isOnPath("prometheus"), "prometheus is not installed (Debian package prometheus)"))
    func realPrometheusScrapesTheEndpoint() async throws {
        try await withServer { metricsPort, client in
            let prometheus = try PrometheusServer.start(target: "127.0.0.1:\(metricsPort)")
            do {
                let up = try await prometheus.query(client, #"up{job="vigil"}"#) { result in
                    result.first?[path: "value"]?[1]?.stringValue == "1"
                }
                #expect(up?.first?[path: "metric", "instance"]?.stringValue == "127.0.0.1:\(metricsPort)")
                let results = try await prometheus.query(
                    client, #"kyverno_policy_results_total{policy_name="require-labels"}"#
                ) { !$0.isEmpty }
                let sample = try #require(
                    results?.first, "no kyverno_policy_results_total sample; log: \(prometheus.tail())")
                #expect(sample[path: "value"]?[1]?.stringValue == "3")
                for (name, value) in Self.resultLabels {
                    #expect(sample[path: "metric", name]?.stringValue == value, "label \(name)")
                }
            } catch {
                await prometheus.stop()
                throw error
            }
            await prometheus.stop()
            #expect(!prometheus.process.isRunning)
        }
    }
}
