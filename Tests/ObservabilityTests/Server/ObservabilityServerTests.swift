import HTTPClient
import Logging
import Metrics
import Observability
import ServiceLifecycle
import Testing

@Suite("ObservabilityServer over real HTTP")
struct ObservabilityServerTests {
    @Test func servesMetricsWithPrometheusContentType() async throws {
        let factory = VigilMetricsFactory()
        Counter(label: "vigil_report_writes_total", dimensions: [("operation", "create")], factory: factory)
            .increment(by: 4)
        try await withRunningServer(metrics: factory) { ports, client async throws in
            #expect(ports.metrics != ports.health)
            let response = try await client.get(port: ports.metrics, "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.text.contains(#"vigil_report_writes_total{operation="create"} 4"#))
            // Health paths live on the other listener.
            #expect(try await client.get(port: ports.metrics, "/readyz").status == 404)
            #expect(try await client.get(port: ports.health, "/metrics").status == 404)
        }
    }

    @Test func readyzFollowsHealthState() async throws {
        let health = HealthState()
        try await withRunningServer(health: health) { ports, client async throws in
            #expect(try await client.get(port: ports.health, "/healthz").text == "ok")
            let waiting = try await client.get(port: ports.health, "/readyz")
            #expect(waiting.status == 503)
            #expect(waiting.text.contains("[-]informers-synced failed"))
            #expect(waiting.text.contains("[-]leader-election failed"))
            #expect(waiting.text.hasSuffix("readyz check failed\n"))
            #expect(try await client.get(port: ports.health, "/readyz/informers-synced").status == 503)
            #expect(try await client.get(port: ports.health, "/readyz/nope").status == 404)
            let excluded = try await client.get(
                port: ports.health, "/readyz?exclude=informers-synced&exclude=leader-election")
            #expect(excluded.status == 200)

            health.setInformersSynced(true)
            health.setLeadershipKnown(true)
            let ready = try await client.get(port: ports.health, "/readyz")
            #expect(ready.status == 200)
            #expect(ready.text == "ok")
            let verbose = try await client.get(port: ports.health, "/readyz?verbose")
            #expect(verbose.text.contains("[+]informers-synced ok"))
            #expect(verbose.text.hasSuffix("readyz check passed\n"))
            #expect(try await client.get(port: ports.health, "/readyz/leader-election").text == "ok")
        }
    }

    @Test func oneListenerWhenAddressesAreEqual() async throws {
        // A port that was free a moment ago (bound with 0 and read back), given explicitly to both addresses.
        let free = try await withRunningServer { ports, _ async throws in try #require(ports.metrics) }
        let address = ListenAddress(host: "127.0.0.1", port: free)
        try await withRunningServer(metricsAddress: address, healthAddress: address) { ports, client async throws in
            #expect(ports.metrics == ports.health)
            #expect(try await client.get(port: ports.metrics, "/metrics").status == 200)
            #expect(try await client.get(port: ports.metrics, "/healthz").status == 200)
        }
    }

    @Test func bindFailureIsReported() async throws {
        try await withRunningServer { ports, _ async throws in
            let port = try #require(ports.metrics)
            let clash = ObservabilityServer(
                configuration: .init(
                    metricsAddress: ListenAddress(host: "127.0.0.1", port: port),
                    healthAddress: ListenAddress(host: "127.0.0.1", port: 0)),
                metrics: VigilMetricsFactory(), health: HealthState())
            let group = ServiceGroup(configuration: .init(services: [clash], logger: .init(label: "test")))
            let running = Task { try await group.run() }
            await #expect(throws: (any Error).self) { _ = try await clash.waitUntilBound() }
            await #expect(throws: (any Error).self) { try await running.value }
        }
    }
}
