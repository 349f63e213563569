import HTTPClient
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The client as a swift-service-lifecycle `Service`.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientServiceTests {
    @Test func gracefulShutdownShutsTheClientDown() async throws {
        try await withServer({ try await .python(mode: "silent") }) { server in
            let client = try HTTPClient()
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await client.run() }
                    let pending = Task { try await client.execute(HTTPRequest(url: server.baseURL + "/")) }
                    try await Task.sleep(for: .milliseconds(300))
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                    let error = await expectHTTPError { _ = try await pending.value }
                    #expect(error?.code == .shutdown)
                }
            }
            let later = await expectHTTPError { _ = try await client.execute(HTTPRequest(url: server.baseURL + "/")) }
            #expect(later?.code == .shutdown)
        }
    }
}
