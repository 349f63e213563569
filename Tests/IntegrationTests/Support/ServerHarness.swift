import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Metrics
import Synchronization

/// A local API server over TLS (generated CA) and clients for it, with fast retries so that fault storms
/// finish quickly.
enum ServerHarness {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    /// Retries as client-go does (10 times), but waits at most 50 ms for a `Retry-After`.
    static let fastRetries = RetryPolicy(
        maximumRetries: 10,
        backoff: ExponentialBackoff(initial: .milliseconds(10), maximum: .milliseconds(100)),
        maximumRetryAfter: .milliseconds(50)
    )

    /// Runs `body` with a started server accepting `tokens`, and stops it afterwards.
    static func withServer(
        tokens: Set<String> = ["vigil-token"],
        _ body: (LocalAPIServer) async throws -> Void
    ) async throws {
        let server = try LocalAPIServer(configuration: .init(port: 0, tokens: tokens))
        try await server.start()
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// A client configuration that trusts the server's generated CA.
    static func configuration(
        for server: LocalAPIServer, authentication: ClientConfiguration.Authentication = .bearerToken("vigil-token")
    ) -> ClientConfiguration {
        ClientConfiguration(
            server: server.baseURL,
            tls: .init(certificateAuthorityPEM: server.caCertificatePEM.map { Array($0.utf8) }),
            authentication: authentication,
            qps: 1000,
            burst: 1000
        )
    }

    /// Runs `body` with a libcurl client for `configuration`, shut down afterwards.
    static func withClient(
        _ configuration: ClientConfiguration,
        retryPolicy: RetryPolicy = fastRetries,
        credentialProvider: CredentialProvider? = nil,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        metrics: RequestMetricsHook? = nil,
        _ body: (KubeClient) async throws -> Void
    ) async throws {
        let transport = try CurlKubeTransport(configuration: configuration, requestTimeout: .seconds(20))
        let client = KubeClient(
            configuration: configuration, transport: transport, retryPolicy: retryPolicy,
            credentialProvider: credentialProvider, metricsFactory: metricsFactory, metrics: metrics)
        do {
            try await body(client)
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
    }

    static func configMap(_ name: String, namespace: String = "default", data: String = "v") -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "data": ["key": .string(data)],
        ]
    }

    static func temporaryDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "vigil-integration-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}

/// An informer over ConfigMaps in `default` and the name → resourceVersion view its events build.
final class InformerView: Sendable {
    let informer: Informer
    private let view = Mutex<[String: String]>([:])
    private let task = Mutex<Task<Void, any Error>?>(nil)

    init(client: KubeClient, pageSize: Int = 20) {
        informer = Informer(
            client: client,
            configuration: Informer.Configuration(
                resource: ServerHarness.configMaps,
                namespace: "default",
                pageSize: pageSize,
                minimumWatchTimeout: .seconds(30),
                backoff: ExponentialBackoff(initial: .milliseconds(20), maximum: .milliseconds(300))
            )
        )
    }

    /// Starts the informer and waits for its first list.
    func start() async {
        let running = Task { [self] in
            try await informer.run { event in
                self.view.withLock { view in
                    switch event {
                    case .added(let object), .updated(let object, _):
                        view[object[path: "metadata", "name"]?.stringValue ?? ""] =
                            object[path: "metadata", "resourceVersion"]?.stringValue
                    case .deleted(let identity, _):
                        view[identity.name] = nil
                    case .resynced:
                        break
                    }
                }
            }
        }
        task.withLock { $0 = running }
        await informer.waitUntilSynced()
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }

    var current: [String: String] { view.withLock { $0 } }

    /// Whether the view equals the server's state (read straight from its store) within `timeout`.
    func converges(to server: LocalAPIServer, timeout: Duration = .seconds(20)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if current == Self.state(of: server) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// name → resourceVersion of every ConfigMap in `default`, from the server's store.
    static func state(of server: LocalAPIServer) -> [String: String] {
        guard let info = server.store.registry.resolve(group: "", version: "v1", plural: "configmaps") else {
            return [:]
        }
        guard
            let list = try? server.store.list(
                info, filter: ObjectFilter(namespace: "default"), source: .current, limit: nil)
        else { return [:] }
        var result: [String: String] = [:]
        for object in list.items { result[object.name] = String(object.resourceVersion) }
        return result
    }
}
