import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Testing

/// Credentials and TLS against the local API server: rotated tokens (token file and exec plugin) and the
/// server's generated CA.
@Suite("KubeClient authentication and TLS against the local API server", .timeLimit(.minutes(2)))
struct KubeClientAuthTests {
    @Test func aRotatedTokenFileIsReReadAfterA401() async throws {
        try await ServerHarness.withServer(tokens: ["token-1"]) { server in
            let directory = try ServerHarness.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let tokenFile = directory + "/token"
            try "token-1\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let authentication = ClientConfiguration.Authentication.tokenFile(path: tokenFile, fallback: nil)
            // A refresh interval far beyond the test: only the 401 can make the client read the file again.
            let provider = CredentialProvider(authentication: authentication, tokenFileRefreshInterval: .seconds(3600))
            let configuration = ServerHarness.configuration(for: server, authentication: authentication)
            try await ServerHarness.withClient(configuration, credentialProvider: provider) { client in
                try server.apply(ServerHarness.configMap("a"))
                let view = InformerView(client: client)
                await view.start()
                defer { view.stop() }
                #expect(await provider.refreshCount == 1)

                // The cluster rotates the token: the old one is refused, the file holds the new one.
                server.acceptedTokens.replace(with: ["token-2"])
                try "token-2\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
                let object = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                #expect(object[path: "metadata", "name"] == "a")
                let afterRotation = await provider.refreshCount
                #expect(afterRotation >= 2, "the 401 made the client read the file again")

                // The informer's next watch uses the new token too.
                server.store.closeAllWatches()
                try server.apply(ServerHarness.configMap("b"))
                #expect(try await view.converges(to: server))

                // Rotated again but the file is stale: a typed 401 after one re-read.
                server.acceptedTokens.replace(with: ["token-3"])
                await #expect {
                    _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                } throws: { ($0 as? KubeAPIError)?.reason == .unauthorized }
                let afterStale = await provider.refreshCount
                #expect(afterStale > afterRotation, "read again once, still refused")
            }
        }
    }

    @Test func anExecPluginIsRunAgainAfterA401() async throws {
        try await ServerHarness.withServer(tokens: ["exec-1"]) { server in
            let directory = try ServerHarness.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let tokenFile = directory + "/current-token"
            try "exec-1".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let plugin = directory + "/credential-plugin"
            try """
            #!/bin/sh
            echo run >> "\(directory)/runs"
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' \
              "$(cat "\(tokenFile)")"
            """.write(toFile: plugin, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
            let kubeconfig: JSONValue = [
                "apiVersion": "v1", "kind": "Config", "current-context": "local",
                "clusters": [
                    [
                        "name": "local",
                        "cluster": [
                            "server": .string(server.baseURL),
                            "certificate-authority-data": .string(
                                Data((server.caCertificatePEM ?? "").utf8).base64EncodedString()),
                        ],
                    ]
                ],
                "users": [
                    [
                        "name": "plugin",
                        "user": [
                            "exec": [
                                "apiVersion": "client.authentication.k8s.io/v1", "command": .string(plugin),
                                "interactiveMode": "Never",
                            ]
                        ],
                    ]
                ],
                "contexts": [["name": "local", "context": ["cluster": "local", "user": "plugin"]]],
            ]
            let kubeconfigPath = directory + "/kubeconfig"
            try Data(kubeconfig.serializedBytes()).write(to: URL(fileURLWithPath: kubeconfigPath))
            var configuration = try ClientConfiguration.load(kubeconfig: kubeconfigPath, environment: [:])
            configuration.qps = 1000
            configuration.burst = 1000
            try await ServerHarness.withClient(configuration) { client in
                try server.apply(ServerHarness.configMap("a"))
                _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                #expect(try Self.runs(directory) == 1, "a credential without expiry is reused")

                server.acceptedTokens.replace(with: ["exec-2"])
                try "exec-2".write(toFile: tokenFile, atomically: true, encoding: .utf8)
                let object = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                #expect(object[path: "metadata", "name"] == "a")
                #expect(try Self.runs(directory) == 2, "the 401 re-ran the plugin")
            }
        }
    }

    static func runs(_ directory: String) throws -> Int {
        try String(contentsOfFile: directory + "/runs", encoding: .utf8).split(separator: "\n").count
    }

    @Test func theServersGeneratedCAIsTrustedAndAnotherCAIsRefusedClearly() async throws {
        try await ServerHarness.withServer { server in
            try await ServerHarness.withClient(ServerHarness.configuration(for: server)) { client in
                let mapping = try await client.resolveResource("configmaps")
                #expect(mapping.resource == ServerHarness.configMaps)
            }
            // Another server's CA: verification fails, naming the URL and curl's explanation.
            let stranger = try LocalAPIServer(configuration: .init(port: 0))
            var configuration = ServerHarness.configuration(for: server)
            configuration.tls.certificateAuthorityPEM = stranger.caCertificatePEM.map { Array($0.utf8) }
            try await ServerHarness.withClient(configuration) { client in
                await #expect {
                    _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                } throws: { error in
                    guard let error = error as? KubeTransportError else { return false }
                    let text = error.description
                    return error.kind == .configuration && text.contains(server.baseURL)
                        && text.contains("SSL certificate problem")
                }
            }
            // No CA at all: the system roots do not know the generated CA either.
            configuration.tls.certificateAuthorityPEM = nil
            try await ServerHarness.withClient(configuration) { client in
                await #expect(throws: KubeTransportError.self) {
                    _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                }
            }
        }
    }

    @Test func clientCertificatesSignedByTheClientCAAuthenticateAndOthersAreRefused() async throws {
        try await ServerHarness.withServer { server in
            let authority = try #require(server.certificateAuthority)
            let issued = try authority.issueClientCertificate(user: "vigil", groups: ["vigil:controllers"])
            var configuration = ServerHarness.configuration(for: server, authentication: .none)
            configuration.tls.clientCertificatePEM = Array(issued.certificatePEM.utf8)
            configuration.tls.clientKeyPEM = Array(issued.keyPEM.utf8)
            try await ServerHarness.withClient(configuration) { client in
                _ = try await client.create(
                    ServerHarness.configMaps, namespace: "default", object: ServerHarness.configMap("a"))
                let object = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                #expect(object[path: "metadata", "name"] == "a")
            }
            // Neither a certificate nor a token: 401, as kube-apiserver answers anonymous requests here.
            try await ServerHarness.withClient(ServerHarness.configuration(for: server, authentication: .none)) {
                client in
                await #expect {
                    _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                } throws: { error in
                    (error as? KubeAPIError)?.reason == .unauthorized
                }
            }
            // A certificate from a CA the server does not trust fails the TLS handshake.
            let stranger = try #require(try LocalAPIServer(configuration: .init(port: 0)).certificateAuthority)
            let foreign = try stranger.issueClientCertificate(user: "intruder")
            configuration.tls.clientCertificatePEM = Array(foreign.certificatePEM.utf8)
            configuration.tls.clientKeyPEM = Array(foreign.keyPEM.utf8)
            try await ServerHarness.withClient(configuration) { client in
                await #expect(throws: KubeTransportError.self) {
                    _ = try await client.get(ServerHarness.configMaps, namespace: "default", name: "a")
                }
            }
        }
    }

    @Test func anUnusableClientCAIsRefusedAtStartWithTheReason() throws {
        #expect {
            _ = try LocalAPIServer(configuration: .init(port: 0, clientCertificateAuthority: "not a certificate"))
        } throws: { error in
            "\(error)".hasPrefix("invalid client certificate authority: ")
        }
    }
}
