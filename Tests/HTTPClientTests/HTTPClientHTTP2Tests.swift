import Foundation
import HTTPClient
import Testing

/// HTTP/2 against a real Go net/http server: Debian's `docker-registry`, serving TLS on 127.0.0.1.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientHTTP2Tests {
    static let registryBinary = "/usr/bin/docker-registry"

    private func startRegistry(_ certificates: Certificates) async throws -> ServerProcess {
        let directory = try TestProcess.temporaryDirectory()
        let port = try closedPort()
        let config = """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory)/data
            http:
              addr: 127.0.0.1:\(port)
              tls:
                certificate: \(certificates.serverCertificateFile)
                key: \(certificates.serverKeyFile)
            """
        try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
        // The registry cannot report its port, so the test writes the port file itself once it answers.
        let portFile = directory + "/port"
        let starting = Task {
            let tls = TLSConfiguration(certificateAuthority: .file(certificates.caFile))
            var configuration = HTTPClient.Configuration()
            configuration.tls = tls
            try await withClient(configuration) { client in
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline {
                    if let response = try? await client.execute(HTTPRequest(url: "https://localhost:\(port)/v2/")),
                        response.status == 200
                    {
                        try "\(port)".write(toFile: portFile, atomically: true, encoding: .utf8)
                        return
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        defer { starting.cancel() }
        return try await ServerProcess.start(Self.registryBinary, ["serve", directory + "/config.yml"], portFile: portFile)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: registryBinary)))
    func concurrentRequestsAreMultiplexedOverOneConnection() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.startRegistry(certificates) }) { server in
            var configuration = HTTPClient.Configuration()
            configuration.tls = TLSConfiguration(certificateAuthority: .file(certificates.caFile))
            try await withClient(configuration) { client in
                let responses = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            try await client.execute(
                                HTTPRequest(url: "https://localhost:\(server.port)/v2/?i=\(index)")
                            )
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(responses.count == 40)
                #expect(responses.allSatisfy { $0.status == 200 && $0.version == .http2 })
                #expect(responses.allSatisfy { $0.headers["docker-distribution-api-version"] == "registry/2.0" })
                let connections = responses.reduce(0) { $0 + $1.newConnectionCount }
                #expect(connections == 1, "40 concurrent requests must share one HTTP/2 connection")
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: registryBinary)))
    func http1CanBeForced() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.startRegistry(certificates) }) { server in
            var configuration = HTTPClient.Configuration()
            configuration.tls = TLSConfiguration(certificateAuthority: .file(certificates.caFile))
            configuration.httpVersion = .http1_1
            try await withClient(configuration) { client in
                let response = try await client.execute(HTTPRequest(url: "https://localhost:\(server.port)/v2/"))
                #expect(response.status == 200)
                #expect(response.version == .http1_1)
            }
        }
    }
}
