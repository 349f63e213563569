import Foundation
import JSONValue
import Testing

@testable import KubeClient

/// The client against a server that misbehaves (`Fixtures/bad_apiserver.py` on 127.0.0.1): garbage,
/// truncated bodies and streams, 10 MB single lines, silence. Every case ends in a typed error, a
/// timeout or a reconnect; never a crash or a hang.
@Suite("KubeClient against a misbehaving server", .serialized, .timeLimit(.minutes(2)))
struct MisbehavingServerTests {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")

    static func withClient(
        mode: String,
        requestTimeout: Duration = .seconds(10),
        retryPolicy: RetryPolicy = .none,
        _ body: (KubeClient, LoopbackServer) async throws -> Void
    ) async throws {
        let server = try await LoopbackServer.start(script: LoopbackServer.badAPIServerScript)
        defer { server.stop() }
        let configuration = ClientConfiguration(server: "\(server.url)/\(mode)", qps: 1000, burst: 1000)
        let transport = try CurlKubeTransport(configuration: configuration, requestTimeout: requestTimeout)
        let client = KubeClient(configuration: configuration, transport: transport, retryPolicy: retryPolicy)
        do {
            try await body(client, server)
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
    }

    /// Requests the server counted for `mode`.
    static func requests(_ server: LoopbackServer, _ mode: String) async throws -> Int {
        let configuration = ClientConfiguration(server: server.url)
        let transport = try CurlKubeTransport(configuration: configuration)
        defer { Task { await transport.shutdown() } }
        let response = try await transport.execute(KubeRequest(method: "GET", path: "/stats"), credentials: .none)
        return try JSONValue.parse(response.body)[mode]?.intValue ?? 0
    }

    /// Reads a watch to its end and returns the events, or the error that ended it.
    static func drain(_ stream: WatchStream) async -> (events: [WatchEvent], error: (any Error)?) {
        var events: [WatchEvent] = []
        do {
            for try await event in stream { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    @Test func aGarbageListIsATypedErrorNamingTheURL() async throws {
        try await Self.withClient(mode: "garbage") { client, _ in
            await #expect {
                _ = try await client.list(Self.configMaps, namespace: "default")
            } throws: { error in
                guard let error = error as? KubeTransportError else { return false }
                return error.description.contains("not JSON")
                    && error.url?.contains("/api/v1/namespaces/default/configmaps") == true
            }
        }
    }

    @Test func aGarbageWatchEndsWithADecodingError() async throws {
        try await Self.withClient(mode: "garbage") { client, _ in
            let stream = try await client.watch(Self.configMaps, namespace: "default")
            let (events, error) = await Self.drain(stream)
            #expect(events.isEmpty)
            #expect(error is WatchDecodingError, "\(String(describing: error))")
        }
    }

    @Test func aTruncatedListIsRetriedThenReportedAsAConnectionFailure() async throws {
        let retries = RetryPolicy(
            maximumRetries: 3, backoff: ExponentialBackoff(initial: .milliseconds(10), maximum: .milliseconds(20)),
            maximumRetryAfter: .seconds(1))
        try await Self.withClient(mode: "truncated", retryPolicy: retries) { client, server in
            await #expect {
                _ = try await client.list(Self.configMaps, namespace: "default")
            } throws: { ($0 as? KubeTransportError)?.kind == .connectionFailed }
            let requests = try await Self.requests(server, "truncated")
            #expect(requests == 4, "one attempt and three retries")
        }
    }

    @Test func aWatchTruncatedMidLineFailsWithoutAnEvent() async throws {
        try await Self.withClient(mode: "truncated") { client, _ in
            let stream = try await client.watch(Self.configMaps, namespace: "default")
            let (events, error) = await Self.drain(stream)
            #expect(events.isEmpty, "half an event is never delivered")
            #expect(error is KubeTransportError || error is WatchDecodingError, "\(String(describing: error))")
        }
    }

    @Test func aTenMegabyteSingleLineListDecodes() async throws {
        try await Self.withClient(mode: "hugeline") { client, _ in
            let page = try await client.list(Self.configMaps, namespace: "default")
            #expect(page.items.count == 1)
            #expect(page.items.first?[path: "data", "key"]?.stringValue?.utf8.count == 10 * 1024 * 1024)
        }
    }

    @Test func aTenMegabyteLineWithoutNewlineEndsTheWatchWithAnError() async throws {
        try await Self.withClient(mode: "hugeline") { client, _ in
            let stream = try await client.watch(Self.configMaps, namespace: "default")
            let (events, error) = await Self.drain(stream)
            #expect(events.isEmpty)
            // The server closes without ending the chunked body: a transport error (or, had it ended the
            // body cleanly, a decoding error for the unterminated line).
            #expect(error is KubeTransportError || error is WatchDecodingError, "\(String(describing: error))")
            // A line limit below 10 MB refuses the line as soon as it passes the limit.
            let response = try await client.transport.stream(
                KubeRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps?watch=1"), credentials: .none)
            let limited = await Self.drain(WatchStream(body: response.body, maximumLineLength: 1 << 20))
            #expect(limited.error is LineFramer.LineTooLong, "\(String(describing: limited.error))")
        }
    }

    @Test func aTenMegabyteEventDecodes() async throws {
        try await Self.withClient(mode: "hugeevent") { client, _ in
            let stream = try await client.watch(
                Self.configMaps, namespace: "default", options: .init(timeoutSeconds: 1))
            var iterator = stream.makeAsyncIterator()
            let event = try await iterator.next()
            #expect(event?.object?[path: "data", "key"]?.stringValue?.utf8.count == 10 * 1024 * 1024)
        }
    }

    @Test func aSilentServerTimesOutRequestsAndWatches() async throws {
        try await Self.withClient(mode: "silent", requestTimeout: .milliseconds(500)) { client, _ in
            await #expect {
                _ = try await client.list(Self.configMaps, namespace: "default")
            } throws: { ($0 as? KubeTransportError)?.kind == .timedOut }
            // A watch is bounded by its timeoutSeconds plus a margin on the client side.
            await #expect {
                let stream = try await client.watch(
                    Self.configMaps, namespace: "default", options: .init(timeoutSeconds: 1))
                for try await _ in stream {}
            } throws: { ($0 as? KubeTransportError)?.kind == .timedOut }
        }
    }

    @Test(arguments: ["garbage", "truncated", "hugeline"])
    func theInformerKeepsReconnectingWithBackoff(mode: String) async throws {
        try await Self.withClient(mode: mode) { client, server in
            let informer = Informer(
                client: client,
                configuration: Informer.Configuration(
                    resource: Self.configMaps, namespace: "default",
                    backoff: ExponentialBackoff(initial: .milliseconds(20), maximum: .milliseconds(100))))
            let task = Task { try await informer.run { _ in } }
            // Each failure is followed by a new request after a short backoff (a 10 MB line takes a while to
            // arrive on a loaded machine: wait up to 30 s for the second failure).
            for _ in 0..<300 where informer.statistics.errors < 2 { try await Task.sleep(for: .milliseconds(100)) }
            let errors = informer.statistics.errors
            #expect(errors >= 2, "\(informer.statistics)")
            let requests = try await Self.requests(server, mode)
            #expect(requests >= errors, "every failure was followed by a new request")
            task.cancel()
            let ended = await task.result
            #expect(throws: CancellationError.self) { try ended.get() }
        }
    }
}
