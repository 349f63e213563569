import Foundation
import Testing

@testable import OCIRegistry

struct RegistryCredentialsTests {
    @Test func readsAuthFieldsAndUsernamePasswordWithNormalisedKeys() throws {
        let encoded = Data("alice:pa:ss".utf8).base64EncodedString()
        let json = """
            {"auths": {"https://index.docker.io/v1/": {"auth": "\(encoded)"},
                       "ghcr.io": {"username": "bob", "password": "tok"},
                       "Registry.Local:5000": {"auth": "\(encoded)"}}}
            """
        let credentials = try RegistryCredentials(dockerConfig: Array(json.utf8))
        #expect(credentials.credential(for: "index.docker.io") == .init(username: "alice", password: "pa:ss"))
        #expect(credentials.credential(for: "docker.io") == .init(username: "alice", password: "pa:ss"))
        #expect(credentials.credential(for: "ghcr.io") == .init(username: "bob", password: "tok"))
        #expect(credentials.credential(for: "registry.local:5000")?.username == "alice")
        #expect(credentials.credential(for: "quay.io") == nil)
    }

    @Test func readsTheLegacyDockercfgForm() throws {
        let encoded = Data("u:p".utf8).base64EncodedString()
        let credentials = try RegistryCredentials(dockerConfig: Array(#"{"quay.io": {"auth": "\#(encoded)"}}"#.utf8))
        #expect(credentials.credential(for: "quay.io") == .init(username: "u", password: "p"))
    }

    @Test(arguments: ["not json", "[]", #"{"auths": {"x.io": {"auth": "!!!"}}}"#, #"{"auths": {"x.io": {}}}"#])
    func rejectsMalformedConfigs(text: String) {
        #expect(throws: RegistryConfigurationError.self) { try RegistryCredentials(dockerConfig: Array(text.utf8)) }
    }

    @Test func reportsAnUnreadableFile() {
        #expect(throws: RegistryConfigurationError.self) {
            try RegistryCredentials(dockerConfigFile: "/nonexistent/config.json")
        }
    }

    @Test func mergingPrefersTheLaterCredentials() {
        let base = RegistryCredentials(["ghcr.io": .init(username: "a", password: "1")])
        let extra = RegistryCredentials(["ghcr.io": .init(username: "b", password: "2")])
        #expect(base.merging(extra).credential(for: "ghcr.io")?.username == "b")
    }
}

struct AuthChallengeTests {
    @Test func parsesBearerParameters() throws {
        let challenge = try #require(
            AuthChallenge(
                header:
                    #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#
            ))
        #expect(challenge.scheme == "bearer")
        #expect(challenge.parameters["realm"] == "https://auth.docker.io/token")
        #expect(challenge.parameters["service"] == "registry.docker.io")
        #expect(challenge.parameters["scope"] == "repository:library/nginx:pull")
    }

    @Test func parsesBasicAndEscapes() throws {
        let challenge = try #require(AuthChallenge(header: #"Basic realm="a \"quoted\" realm""#))
        #expect(challenge.scheme == "basic")
        #expect(challenge.parameters["realm"] == #"a "quoted" realm"#)
        #expect(AuthChallenge(header: "  ") == nil)
    }
}

struct PlatformTests {
    @Test func parsesOSArchitectureAndVariant() {
        #expect(
            RegistryClient.Platform(parsing: "linux/arm64/v8")
                == .init(os: "linux", architecture: "arm64", variant: "v8"))
        #expect(RegistryClient.Platform(parsing: "linux/amd64") == .linuxAMD64)
        #expect(RegistryClient.Platform(parsing: "linux") == nil)
        #expect(RegistryClient.Platform(parsing: "linux//v8") == nil)
    }
}
