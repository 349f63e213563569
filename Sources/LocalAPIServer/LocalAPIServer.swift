import Foundation
import Hummingbird
import HummingbirdCore
import JSONValue
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// An embedded, in-memory, Kubernetes-compatible API server for the demo and the tests.
///
/// It serves discovery, the built-in kinds and every applied CRD, list/watch with Kubernetes'
/// resourceVersion semantics, and server-side Tables for `kubectl get`; over HTTPS (HTTP/2 and HTTP/1.1)
/// with bearer tokens by default. Tests start it in process on a free port:
///
/// ```swift
/// let server = LocalAPIServer(configuration: .init(port: 0, tls: .disabled))
/// try await server.start()
/// defer { Task { await server.stop() } }
/// ```
///
/// It is also a `Service`: in a `ServiceGroup` it runs until graceful shutdown.
public final class LocalAPIServer: Service, Sendable {
    /// How the server is reached and secured.
    public struct Configuration: Sendable {
        /// Where the server listens.
        public var host: String
        /// The port; 0 picks a free one (read ``LocalAPIServer/port`` after ``LocalAPIServer/start()``).
        public var port: Int
        /// Accepted bearer tokens; empty accepts every request.
        public var tokens: Set<String>
        public var tls: TLSMode
        /// Recent events kept per resource for watches and continue tokens from older resourceVersions.
        public var watchCacheCapacity: Int
        /// How often watches that allow bookmarks get a `BOOKMARK`.
        public var bookmarkInterval: Duration
        /// Watches without `timeoutSeconds` end after a random time between this and twice this.
        public var minRequestTimeout: Duration
        /// Larger request bodies get 413.
        public var maxBodyBytes: Int
        /// The CAs (PEM) whose client certificates authenticate a request, as kube-apiserver's
        /// `--client-ca-file`; `nil` means the generated CA with ``TLSMode/generated`` and none otherwise.
        public var clientCertificateAuthority: String?

        public init(
            host: String = "127.0.0.1", port: Int = 6443, tokens: Set<String> = [], tls: TLSMode = .generated,
            watchCacheCapacity: Int = 10_000, bookmarkInterval: Duration = .seconds(60),
            minRequestTimeout: Duration = .seconds(1800), maxBodyBytes: Int = 3 * 1024 * 1024,
            clientCertificateAuthority: String? = nil
        ) {
            self.host = host
            self.port = port
            self.tokens = tokens
            self.tls = tls
            self.clientCertificateAuthority = clientCertificateAuthority
            self.watchCacheCapacity = watchCacheCapacity
            self.bookmarkInterval = bookmarkInterval
            self.minRequestTimeout = minRequestTimeout
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// The transport security.
    public enum TLSMode: Sendable {
        /// HTTPS with a CA and serving certificate generated in memory.
        case generated
        /// HTTPS with this PEM certificate chain and key.
        case pem(certificateChain: String, privateKey: String, caCertificate: String?)
        /// Plain HTTP (`--insecure-http`).
        case disabled
    }

    public let configuration: Configuration
    /// The objects. Tests may read and write it directly.
    public let store: Store
    /// Injected errors and latency.
    public let faults: FaultInjector
    /// The generated CA and serving certificate (`nil` without TLS or with a given certificate).
    public let certificateAuthority: CertificateAuthority?
    /// The bearer tokens accepted now (initially ``Configuration/tokens``).
    public let acceptedTokens: AcceptedTokens
    let logger: Logger

    private struct Running {
        var port: Int?
        var listener: Listener?
        var periodic: [Task<Void, Never>] = []
    }

    /// The task serving HTTP and the service group it runs in. The listener is stopped by a graceful
    /// shutdown of the group, never by cancelling the task first: cancelling a NIO server while accepted
    /// connections are still queued traps in NIOAsyncWriter (apple/swift-nio#3481). The group cancels the
    /// server only when graceful shutdown takes longer than ``Listener/shutdownGrace``.
    private struct Listener {
        static let shutdownGrace: Duration = .seconds(5)
        var group: ServiceGroup
        var task: Task<Void, any Error>

        func stop() async {
            await group.triggerGracefulShutdown()
            _ = await task.result
        }
    }

    private let running = Mutex(Running())
    private let connections = ConnectionCounter()

    /// The TLS connections accepted since the server was created (clients that multiplex over HTTP/2 open
    /// one per server).
    public var connectionsAccepted: Int { connections.accepted.load(ordering: .relaxed) }

    /// Creates a server (not yet listening).
    /// - Throws: when the TLS certificate cannot be generated, or
    ///   ``CertificateAuthority/InvalidCertificateAuthority`` for an unusable client CA.
    public init(configuration: Configuration = Configuration(), logger: Logger? = nil) throws {
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "vigil.api-server")
        store = Store(watchCacheCapacity: configuration.watchCacheCapacity)
        faults = FaultInjector()
        acceptedTokens = AcceptedTokens(configuration.tokens)
        if let clientCertificateAuthority = configuration.clientCertificateAuthority {
            _ = try CertificateAuthority.clientCertificateAuthorities(clientCertificateAuthority)
        }
        if case .generated = configuration.tls {
            certificateAuthority = try CertificateAuthority(hosts: [configuration.host])
        } else {
            certificateAuthority = nil
        }
    }

    /// The port the server listens on (the real one when configured with 0), once started.
    public var port: Int? { running.withLock { $0.port } }

    /// `https://127.0.0.1:<port>` (or `http://`).
    public var baseURL: String {
        let scheme = if case .disabled = configuration.tls { "http" } else { "https" }
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "\(scheme)://\(host):\(port ?? configuration.port)"
    }

    /// The CA certificate clients should trust, PEM (`nil` for plain HTTP).
    public var caCertificatePEM: String? {
        if let certificateAuthority { return certificateAuthority.caCertificatePEM }
        if case .pem(_, _, let ca) = configuration.tls { return ca }
        return nil
    }

    /// Starts listening; returns once the port is bound.
    /// - Throws: when the address cannot be bound or TLS cannot be set up.
    public func start() async throws {
        let port = running.withLock { $0.port } ?? configuration.port
        try await listen(on: port)
        startPeriodicTasks()
    }

    private func listen(on port: Int) async throws {
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let handler = APIHandler(
            store: store, faults: faults,
            settings: .init(
                tokens: acceptedTokens, maxBodyBytes: configuration.maxBodyBytes,
                minRequestTimeout: configuration.minRequestTimeout,
                serverAddress: { [weak self] in
                    guard let self else { return "127.0.0.1" }
                    return "\(self.configuration.host):\(self.port ?? self.configuration.port)"
                }),
            logger: logger)
        let tlsConfiguration: TLSConfiguration?
        switch configuration.tls {
        case .disabled:
            tlsConfiguration = nil
        case .generated:
            guard let certificateAuthority else { preconditionFailure("generated TLS without a certificate authority") }
            tlsConfiguration = try certificateAuthority.serverConfiguration(
                clientCertificateAuthorityPEM: configuration.clientCertificateAuthority)
        case .pem(let chain, let key, _):
            tlsConfiguration = try CertificateAuthority.serverConfiguration(
                certificatePEM: chain, keyPEM: key,
                clientCertificateAuthorityPEM: configuration.clientCertificateAuthority)
        }
        let connections = self.connections
        let server: HTTPServerBuilder =
            if let tlsConfiguration {
                HTTPServerBuilder { responder in
                    try APIServerChannel(
                        tlsConfiguration: tlsConfiguration, connections: connections, responder: responder)
                }
            } else {
                .http1()
            }
        var quiet = logger
        quiet.logLevel = .critical
        let application = Application(
            responder: handler, server: server,
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: nil),
            onServerRunning: { channel in continuation.yield(.success(channel.localAddress?.port ?? port)) },
            logger: quiet)
        var groupConfiguration = ServiceGroupConfiguration(services: [application], logger: quiet)
        groupConfiguration.maximumGracefulShutdownDuration = Listener.shutdownGrace
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            do {
                try await group.run()
                continuation.yield(.failure(CancellationError()))
            } catch {
                continuation.yield(.failure(error))
                throw error
            }
        }
        var iterator = events.makeAsyncIterator()
        guard let first = await iterator.next() else { throw CancellationError() }
        switch first {
        case .success(let bound):
            running.withLock {
                $0.port = bound
                $0.listener = Listener(group: group, task: task)
            }
            logger.info("local API server listening", metadata: ["url": "\(baseURL)"])
        case .failure(let error):
            throw error
        }
    }

    private func startPeriodicTasks() {
        let store = self.store
        let interval = configuration.bookmarkInterval
        let bookmarks = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                store.sendBookmarks()
            }
        }
        running.withLock { $0.periodic.append(bookmarks) }
    }

    /// Stops listening and ends every connection and watch.
    public func stop() async {
        let (listener, periodic) = running.withLock { state in
            let result = (state.listener, state.periodic)
            state.listener = nil
            state.periodic = []
            return result
        }
        for job in periodic { job.cancel() }
        store.closeAllWatches()
        await listener?.stop()
    }

    /// Refuses connections for a while: stops listening, waits, and listens again on the same port.
    /// Open watches end when the listener stops.
    public func refuseConnections(for duration: Duration) async throws {
        let listener = running.withLock { state in
            let listener = state.listener
            state.listener = nil
            return listener
        }
        store.closeAllWatches()
        await listener?.stop()
        try await Task.sleep(for: duration)
        try await listen(on: port ?? configuration.port)
    }

    /// Refuses connections for `duration` every `interval` (see ``refuseConnections(for:)``), until stopped.
    public func refuseConnections(every interval: Duration, for duration: Duration) {
        let job = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                guard let self else { return }
                do {
                    try await self.refuseConnections(for: duration)
                } catch {
                    self.logger.error(
                        "could not listen again after refusing connections", metadata: ["error": "\(error)"])
                    return
                }
            }
        }
        addPeriodic(job)
    }

    /// Closes every open watch now, and then every `interval` if one is given.
    public func closeWatches(every interval: Duration? = nil) {
        let store = self.store
        repeating(every: interval) { store.closeAllWatches() }
    }

    /// Runs `action` now, and then every `interval` if one is given, until the server stops.
    func repeating(every interval: Duration?, _ action: @escaping @Sendable () -> Void) {
        action()
        guard let interval else { return }
        let job = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                action()
            }
        }
        addPeriodic(job)
    }

    func addPeriodic(_ job: Task<Void, Never>) {
        running.withLock { $0.periodic.append(job) }
    }

    /// `Service`: listens until graceful shutdown (SIGTERM/SIGINT in `vigil api-server`), then stops.
    public func run() async throws {
        if port == nil || running.withLock({ $0.listener == nil }) { try await start() }
        try? await gracefulShutdown()
        await stop()
    }
}

extension LocalAPIServer {
    /// Compacts the store's history now, and then every `interval` if one is given.
    public func compact(every interval: Duration? = nil) {
        let store = self.store
        repeating(every: interval) { store.compact() }
    }
}
