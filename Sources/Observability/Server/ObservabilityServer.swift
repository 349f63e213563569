import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The HTTP endpoints: `/metrics` on the metrics address, `/healthz` and `/readyz` on the health address.
///
/// A `Service`: run it in the controller's `ServiceGroup`; graceful shutdown stops the listeners. When both
/// addresses are equal (and the port is not 0) one listener serves all three paths; with port 0 each gets
/// its own free port. Tests bind port 0 and read the real ports with
/// ``waitUntilBound()``:
///
/// ```swift
/// let server = ObservabilityServer(
///     configuration: .init(metricsAddress: try .init(parsing: "127.0.0.1:0"),
///                          healthAddress: try .init(parsing: "127.0.0.1:0")),
///     metrics: factory, health: health)
/// let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
/// Task { try await group.run() }
/// let ports = try await server.waitUntilBound()
/// ```
public final class ObservabilityServer: Service, Sendable {
    /// Where to listen; `nil` turns a listener off.
    public struct Configuration: Sendable, Hashable {
        public var metricsAddress: ListenAddress?
        public var healthAddress: ListenAddress?

        public init(
            metricsAddress: ListenAddress? = .defaultMetrics, healthAddress: ListenAddress? = .defaultHealth
        ) {
            self.metricsAddress = metricsAddress
            self.healthAddress = healthAddress
        }
    }

    /// The ports actually bound (the system's choice where 0 was configured).
    public struct BoundPorts: Sendable, Hashable {
        public var metrics: Int?
        public var health: Int?
    }

    /// Why the server stopped before it was listening.
    public struct NotListening: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let configuration: Configuration
    let metrics: VigilMetricsFactory
    let health: HealthState
    let logger: Logger

    private struct Listener {
        var address: ListenAddress
        var servesMetrics: Bool
        var servesHealth: Bool
    }

    private struct BindState {
        /// Bound ports by listener index.
        var ports: [Int: Int] = [:]
        var outcome: Result<BoundPorts, any Error>?
        var waiters: [Int: CheckedContinuation<BoundPorts, any Error>] = [:]
        var nextWaiter = 0
    }

    private let bindState = Mutex(BindState())

    /// - Parameters:
    ///   - metrics: the factory whose registry `/metrics` serves.
    ///   - health: the state `/healthz` and `/readyz` report.
    public init(
        configuration: Configuration, metrics: VigilMetricsFactory, health: HealthState,
        logger: Logger = Logger(label: "vigil.observability")
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    private var listeners: [Listener] {
        var listeners: [Listener] = []
        if let address = configuration.metricsAddress {
            listeners.append(Listener(address: address, servesMetrics: true, servesHealth: false))
        }
        if let address = configuration.healthAddress {
            if address.port != 0, let index = listeners.firstIndex(where: { $0.address == address }) {
                listeners[index].servesHealth = true
            } else {
                listeners.append(Listener(address: address, servesMetrics: false, servesHealth: true))
            }
        }
        return listeners
    }

    /// Serves until graceful shutdown.
    /// - Throws: when an address cannot be bound (the other listener is shut down too).
    public func run() async throws {
        let listeners = self.listeners
        guard !listeners.isEmpty else {
            finish(.success(BoundPorts(metrics: nil, health: nil)))
            try await gracefulShutdown()
            return
        }
        var quiet = logger
        quiet.logLevel = .warning
        let applications: [any Service] = listeners.enumerated().map { index, listener in
            let address = listener.address
            return Application(
                router: makeRouter(metrics: listener.servesMetrics, health: listener.servesHealth),
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
                onServerRunning: { [self] channel in
                    bound(index, port: channel.localAddress?.port ?? address.port)
                },
                logger: quiet)
        }
        let group = ServiceGroup(configuration: .init(services: applications, logger: quiet))
        do {
            try await group.run()
            finish(.failure(NotListening(description: "the observability server stopped before listening")))
        } catch {
            logger.error("observability endpoints failed", metadata: ["error": "\(error)"])
            finish(.failure(error))
            throw error
        }
    }

    /// Waits until every configured listener is bound and returns the ports.
    /// - Throws: the bind error when a listener could not start, `CancellationError` when the waiting task
    ///   is cancelled.
    public func waitUntilBound() async throws -> BoundPorts {
        let id = bindState.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<BoundPorts, any Error>) in
                let outcome: Result<BoundPorts, any Error>? = bindState.withLock { state in
                    if let outcome = state.outcome { return outcome }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = bindState.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func bound(_ index: Int, port: Int) {
        let listeners = self.listeners
        let listener = listeners[index]
        let paths =
            (listener.servesMetrics ? ["/metrics"] : []) + (listener.servesHealth ? ["/healthz", "/readyz"] : [])
        logger.info(
            "serving \(paths.joined(separator: ", "))",
            metadata: ["address": "\(ListenAddress(host: listener.address.host, port: port))"])
        let ports: BoundPorts? = bindState.withLock { state in
            state.ports[index] = port
            guard state.ports.count == listeners.count else { return nil }
            return BoundPorts(
                metrics: listeners.firstIndex(where: \.servesMetrics).flatMap { state.ports[$0] },
                health: listeners.firstIndex(where: \.servesHealth).flatMap { state.ports[$0] })
        }
        if let ports { finish(.success(ports)) }
    }

    private func finish(_ outcome: Result<BoundPorts, any Error>) {
        let waiters: [CheckedContinuation<BoundPorts, any Error>] = bindState.withLock { state in
            guard state.outcome == nil else { return [] }
            state.outcome = outcome
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(with: outcome) }
    }
}
