import HTTPClient
import Logging
import Observability
import ServiceLifecycle

/// Runs an ``ObservabilityServer`` on loopback with free ports for the duration of `body`, then shuts it
/// down gracefully.
func withRunningServer<T: Sendable>(
    metrics: VigilMetricsFactory = VigilMetricsFactory(), health: HealthState = HealthState(),
    metricsAddress: ListenAddress = ListenAddress(host: "127.0.0.1", port: 0),
    healthAddress: ListenAddress = ListenAddress(host: "127.0.0.1", port: 0),
    _ body: (ObservabilityServer.BoundPorts, HTTPClient) async throws -> T
) async throws -> T {
    let logger = Logger(label: "test.observability")
    let server = ObservabilityServer(
        configuration: .init(metricsAddress: metricsAddress, healthAddress: healthAddress),
        metrics: metrics, health: health, logger: logger)
    let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
    let running = Task { try await group.run() }
    let client = try HTTPClient()
    do {
        let ports = try await server.waitUntilBound()
        let result = try await body(ports, client)
        await client.shutdown()
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        await client.shutdown()
        await group.triggerGracefulShutdown()
        _ = await running.result
        throw error
    }
}

extension HTTPClient {
    /// GETs `http://127.0.0.1:<port><path>` with a bounded timeout.
    func get(port: Int?, _ path: String) async throws -> HTTPResponse {
        try await execute(HTTPRequest(url: "http://127.0.0.1:\(port ?? 0)\(path)", timeout: .seconds(10)))
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
