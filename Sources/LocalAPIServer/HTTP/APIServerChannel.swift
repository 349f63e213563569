import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP2
import NIOHTTPTypes
import NIOHTTPTypesHTTP2
import NIOSSL
import NIOTLS
import Synchronization

/// The server's HTTPS connections: TLS with ALPN, then HTTP/2 (`h2`) or HTTP/1.1, each request handed to
/// the Hummingbird responder.
///
/// Hummingbird's own `HTTP2UpgradeChannel` does the same but with SwiftNIO's default HTTP/2 settings, and
/// those are not kube-apiserver's. The one that matters: NIO closes a connection with `ENHANCE_YOUR_CALM`
/// after 200 `RST_STREAM` frames in 30 seconds (its rapid-reset defence), and libcurl 7.88 (Debian 12's)
/// sends `RST_STREAM(STREAM_CLOSED)` for every stream it finishes, even one both sides already closed; so
/// every client built on it lost its connection, with all requests in flight on it, every 200 requests.
/// kube-apiserver's Go HTTP/2 server ignores a reset of a closed stream and bounds concurrent streams (1,000
/// per connection) instead. This channel sets those limits and keeps a graceful GOAWAY on shutdown
/// (NIO's `NIOHTTP2ServerConnectionManagementHandler`).
struct APIServerChannel: HTTPChannelHandler {
    typealias HTTP2Streams = NIOHTTP2Handler.AsyncStreamMultiplexer<NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>>

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<NIONegotiatedHTTPVersion<HTTP1Channel.Value, HTTP2Streams>>
        let channel: any Channel
    }

    /// kube-apiserver's limit of concurrent streams per connection.
    static let maximumConcurrentStreams = 1_000
    /// kube-apiserver reads request bodies in windows of 256 KiB per stream.
    static let streamWindowBytes = 256 * 1024

    let responder: Responder
    private let sslContext: NIOSSLContext
    private let http1: HTTP1Channel
    private let connections: ConnectionCounter

    /// - Throws: `NIOSSLError` when the TLS configuration cannot be loaded.
    init(tlsConfiguration: TLSConfiguration, connections: ConnectionCounter, responder: @escaping Responder) throws {
        var tlsConfiguration = tlsConfiguration
        tlsConfiguration.applicationProtocols = NIOHTTP2SupportedALPNProtocols
        sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        self.connections = connections
        self.responder = responder
        http1 = HTTP1Channel(responder: responder)
    }

    /// The HTTP/2 settings: kube-apiserver's stream limit and windows, and resets of finished streams
    /// tolerated up to a rate no client reaches by finishing requests (10,000 a second), so a flood of
    /// resets still closes the connection.
    static var http2Configuration: NIOHTTP2Handler.Configuration {
        var configuration = NIOHTTP2Handler.Configuration()
        configuration.connection.initialSettings =
            nioDefaultSettings.filter { $0.parameter != .maxConcurrentStreams } + [
                HTTP2Setting(parameter: .maxConcurrentStreams, value: maximumConcurrentStreams),
                HTTP2Setting(parameter: .initialWindowSize, value: streamWindowBytes),
            ]
        configuration.connection.targetWindowSize = streamWindowBytes * 100
        configuration.stream.targetWindowSize = streamWindowBytes
        configuration.stream.streamResetFrameRateLimit.maximumCount = 50_000
        configuration.stream.streamResetFrameRateLimit.windowLength = .seconds(5)
        return configuration
    }

    /// Idle connections stay open (clients close them); graceful shutdown sends GOAWAY and waits for the
    /// streams in flight, at most as long as the server's shutdown grace.
    static var connectionManagement: NIOHTTP2ServerConnectionManagementHandler.Configuration {
        .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: .seconds(5), keepalive: nil)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        connections.accepted.add(1, ordering: .relaxed)
        do {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return channel.configureHTTP2AsyncSecureUpgrade { channel in
            http1.setup(channel: channel, logger: logger)
        } http2ConnectionInitializer: { channel in
            channel.eventLoop.makeCompletedFuture {
                let manager = NIOHTTP2ServerConnectionManagementHandler(
                    eventLoop: channel.eventLoop, configuration: Self.connectionManagement)
                let streams = try channel.pipeline.syncOperations.configureAsyncHTTP2Pipeline(
                    mode: .server, streamDelegate: manager.http2StreamDelegate, configuration: Self.http2Configuration
                ) { stream in
                    stream.eventLoop.makeCompletedFuture {
                        try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTPServerCodec())
                        return try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: stream)
                    }
                }
                try channel.pipeline.syncOperations.addHandler(manager)
                return streams
            }
        }.map { Value(negotiated: $0, channel: channel) }
    }

    func handle(value: Value, logger: Logger) async {
        // When the server gives up waiting for a graceful shutdown it cancels this task: close the
        // connection then, so that a connection accepted while shutdown began (and so never told to
        // quiesce) cannot keep a client waiting for answers nobody will send.
        await withTaskCancellationHandler {
            do {
                switch try await value.negotiated.get() {
                case .http1_1(let connection):
                    await http1.handle(value: connection, logger: logger)
                case .http2(let streams):
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await stream in streams.inbound {
                            group.addTask { await handleHTTP(asyncChannel: stream, logger: logger) }
                        }
                    }
                }
            } catch {
                logger.debug("connection ended", metadata: ["error": "\(error)"])
            }
        } onCancel: {
            value.channel.close(promise: nil)
        }
    }
}

/// How many connections the server has accepted, for tests that prove requests share one.
final class ConnectionCounter: Sendable {
    let accepted = Atomic<Int>(0)
}
