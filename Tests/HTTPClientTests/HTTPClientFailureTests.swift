import Foundation
import HTTPClient
import RegistryTestSupport
import Testing

/// Connection failures, timeouts and shutdown.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientFailureTests {
    @Test func aClosedPortFailsWithConnect() async throws {
        let port = try FreePort.reserve()
        try await withClient { client in
            let error = await expectHTTPError {
                _ = try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
            }
            #expect(error?.code == .connect)
            #expect(error?.curlCode == 7)
            #expect(error?.url == "http://127.0.0.1:\(port)/")
            #expect(error?.method == "GET")
        }
    }

    @Test func aSilentServerHitsTheTotalTimeout() async throws {
        try await withServer({ try await .python(mode: "silent") }) { server in
            try await withClient { client in
                // The silent server never answers: only the request's own timeout can end this call.
                let error = await expectHTTPError {
                    _ = try await client.execute(HTTPRequest(url: server.baseURL + "/", timeout: .milliseconds(500)))
                }
                #expect(error?.code == .timeout)
            }
        }
    }

    @Test func aTLSHandshakeThatNeverCompletesHitsTheConnectTimeout() async throws {
        try await withServer({ try await .python(mode: "silent") }) { server in
            var configuration = HTTPClient.Configuration()
            configuration.connectTimeout = .milliseconds(500)
            configuration.timeout = nil
            try await withClient(configuration) { client in
                // TCP connects, but the silent server never answers the TLS ClientHello.
                let error = await expectHTTPError {
                    _ = try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
                }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("onnect") == true, "\(String(describing: error))")
            }
        }
    }

    @Test func aServerClosingWithoutAnAnswerFailsWithConnectionLost() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let error = await expectHTTPError {
                    _ = try await client.execute(HTTPRequest(url: server.baseURL + "/close"))
                }
                #expect(error?.code == .connectionLost)
                #expect(error?.curlCode == 52)
            }
        }
    }

    @Test func shutdownFailsRequestsInFlightAndLaterOnes() async throws {
        try await withServer({ try await .python(mode: "silent") }) { server in
            let client = try HTTPClient()
            let requests = (0..<5).map { _ in
                Task { try await client.execute(HTTPRequest(url: server.baseURL + "/", timeout: .seconds(60))) }
            }
            try await Task.sleep(for: .milliseconds(300))
            await client.shutdown()
            for request in requests {
                let error = await expectHTTPError { _ = try await request.value }
                #expect(error?.code == .shutdown)
            }
            let later = await expectHTTPError { _ = try await client.execute(HTTPRequest(url: server.baseURL + "/")) }
            #expect(later?.code == .shutdown)
            await client.shutdown()  // a second shutdown is harmless
        }
    }

    @Test func aRequestFromAnAlreadyCancelledTaskIsNotSent() async throws {
        try await withServer({ try await .python() }) { server in
            try await withClient { client in
                let request = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await client.execute(HTTPRequest(url: server.baseURL + "/echo"))
                }
                let error = await expectHTTPError { _ = try await request.value }
                #expect(error?.code == .cancelled)
            }
        }
    }

    @Test func aReleasedClientFinishesItsWork() async throws {
        try await withServer({ try await .python() }) { server in
            var client: HTTPClient? = try HTTPClient()
            let response = try await client?.execute(HTTPRequest(url: server.baseURL + "/status/200"))
            client = nil
            #expect(response?.status == 200)
        }
    }
}
