import Foundation
import JSONValue
import Testing

@testable import KubeClient

/// The libcurl transport against a real loopback HTTP server.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: LoopbackServer.script), "needs the HTTPClient test server"))
struct CurlKubeTransportTests {
    @Test func sendsCredentialsAndHeaders() async throws {
        let server = try await LoopbackServer.start()
        defer { server.stop() }
        let configuration = ClientConfiguration(server: server.url + "/", authentication: .bearerToken("secret"))
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(configuration: configuration, transport: transport)
        let response = try await client.send(
            KubeRequest(method: "POST", path: "/echo", body: Array("{}".utf8)), verb: "create", resource: "echo",
            idempotent: true)
        await transport.shutdown()
        let echo = try JSONValue.parse(response.body)
        let headers = Dictionary(
            (echo["headers"]?.arrayValue ?? []).compactMap { pair -> (String, String)? in
                guard let name = pair[0]?.stringValue, let value = pair[1]?.stringValue else { return nil }
                return (name.lowercased(), value)
            },
            uniquingKeysWith: { first, _ in first })
        #expect(echo["method"] == "POST")
        #expect(headers["authorization"] == "Bearer secret")
        #expect(headers["user-agent"] == "vigil")
        #expect(headers["accept"] == "application/json")
    }

    @Test func serverErrorsBecomeTypedAfterRetries() async throws {
        let server = try await LoopbackServer.start()
        defer { server.stop() }
        let configuration = ClientConfiguration(server: server.url)
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(
            configuration: configuration, transport: transport, retryPolicy: KubeClientRESTTests.fastRetries)
        await #expect {
            _ = try await client.send(
                KubeRequest(method: "GET", path: "/status/503"), verb: "get", resource: "x", idempotent: true)
        } throws: { error in
            guard let error = error as? KubeAPIError else { return false }
            return error.reason == .serviceUnavailable && error.message == "status 503"
        }
        await transport.shutdown()
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        // A port that was just free: nothing listens there.
        let server = try await LoopbackServer.start()
        let port = server.port
        server.stop()
        let configuration = ClientConfiguration(server: "http://127.0.0.1:\(port)")
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(
            configuration: configuration,
            transport: transport,
            retryPolicy: RetryPolicy(
                maximumRetries: 2,
                backoff: ExponentialBackoff(initial: .milliseconds(1), maximum: .milliseconds(2)),
                maximumRetryAfter: .seconds(1)
            )
        )
        await #expect {
            _ = try await client.list(GroupVersionResource(group: "", version: "v1", resource: "pods"))
        } throws: { ($0 as? KubeTransportError)?.kind == .connectionFailed }
        await transport.shutdown()
    }
}
