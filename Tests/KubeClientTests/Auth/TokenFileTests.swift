import Foundation
import Testing

@testable import KubeClient

struct TokenFileTests {
    @Test func rereadsAfterIntervalAndAfter401() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let path = directory + "/token"
        try Fixtures.write("one\n", to: path)
        let provider = CredentialProvider(
            authentication: .tokenFile(path: path, fallback: nil),
            tokenFileRefreshInterval: .seconds(3600)
        )
        let first = try await provider.credentials()
        #expect(first.authorization == "Bearer one")
        // Rotated on disk: still cached inside the interval...
        try Fixtures.write("two\n", to: path)
        #expect(try await provider.credentials().authorization == "Bearer one")
        // ...but a 401 makes the next request read the file again.
        await provider.invalidate(first)
        #expect(try await provider.credentials().authorization == "Bearer two")
        // Invalidating stale credentials does not throw away fresh ones.
        try Fixtures.write("three\n", to: path)
        await provider.invalidate(first)
        #expect(try await provider.credentials().authorization == "Bearer two")
    }

    @Test func rereadsWhenIntervalPassed() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let path = directory + "/token"
        try Fixtures.write("one", to: path)
        let provider = CredentialProvider(
            authentication: .tokenFile(path: path, fallback: nil), tokenFileRefreshInterval: .zero)
        #expect(try await provider.credentials().authorization == "Bearer one")
        try Fixtures.write("two", to: path)
        #expect(try await provider.credentials().authorization == "Bearer two")
    }

    @Test func fallbackTokenWhileFileIsMissing() async throws {
        let provider = CredentialProvider(authentication: .tokenFile(path: "/nonexistent/token", fallback: "static"))
        #expect(try await provider.credentials().authorization == "Bearer static")
        let strict = CredentialProvider(authentication: .tokenFile(path: "/nonexistent/token", fallback: nil))
        await #expect(throws: KubeConfigError.self) { _ = try await strict.credentials() }
    }

    @Test func basicAndBearer() async throws {
        #expect(
            try await CredentialProvider(authentication: .basic(username: "a", password: "b")).credentials()
                .authorization == "Basic YTpi")
        #expect(
            try await CredentialProvider(authentication: .bearerToken("x")).credentials().authorization == "Bearer x")
    }
}
