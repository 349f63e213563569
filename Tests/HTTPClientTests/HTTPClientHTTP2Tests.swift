import Crypto
import Foundation
import HTTPClient
import RegistryTestSupport
import Testing

/// HTTP/2 against a real Go net/http server: Debian's `docker-registry`, serving TLS on 127.0.0.1.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientHTTP2Tests {
    static let registryBinary = "/usr/bin/docker-registry"

    /// Starts the registry; with `requireClientCertificates` it verifies client certificates against the
    /// test CA (`http.tls.clientcas`) and refuses clients without one.
    private func startRegistry(_ certificates: Certificates, requireClientCertificates: Bool = false) async throws
        -> ServerProcess
    {
        let directory = try TestProcess.temporaryDirectory()
        let port = try FreePort.reserve()
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
            """ + (requireClientCertificates ? "\n    clientcas:\n      - \(certificates.caFile)\n" : "\n")
        try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
        // The registry cannot report its port, so the test writes the port file itself once it answers.
        let portFile = directory + "/port"
        let starting = Task {
            var tls = TLSConfiguration(certificateAuthority: .file(certificates.caFile))
            if requireClientCertificates {
                tls.clientCertificate = .file(certificates.clientCertificateFile)
                tls.clientKey = .file(certificates.clientKeyFile)
            }
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
        return try await ServerProcess.start(
            Self.registryBinary, ["serve", directory + "/config.yml"], portFile: portFile)
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

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: registryBinary)))
    func aPausedStreamDoesNotBlockOtherStreamsOnTheConnection() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.startRegistry(certificates) }) { server in
            let bound = 64 << 10
            var configuration = HTTPClient.Configuration()
            configuration.tls = TLSConfiguration(certificateAuthority: .file(certificates.caFile))
            configuration.streamBufferSize = bound
            try await withClient(configuration) { client in
                let base = "https://localhost:\(server.port)"
                let blob = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
                let digest = "sha256:" + SHA256.hash(data: blob).map { String(format: "%02x", $0) }.joined()
                let started = try await client.execute(
                    HTTPRequest(method: .post, url: base + "/v2/vigil/test/blobs/uploads/", body: [])
                )
                #expect(started.status == 202)
                let location = try #require(started.headers["location"])
                let uploadURL = (location.hasPrefix("http") ? location : base + location)
                let separator = uploadURL.contains("?") ? "&" : "?"
                let uploaded = try await client.execute(
                    HTTPRequest(
                        method: .put,
                        url: uploadURL + separator + "digest=" + digest,
                        headers: ["Content-Type": "application/octet-stream"],
                        body: blob
                    )
                )
                #expect(uploaded.status == 201)

                let response = try await client.stream(HTTPRequest(url: base + "/v2/vigil/test/blobs/" + digest))
                #expect(response.status == 200)
                #expect(response.version == .http2)
                var iterator = response.body.makeAsyncIterator()
                var received = try await iterator.next() ?? []
                // Let the stream fill its buffer and pause, then use the same connection for other requests.
                try await Task.sleep(for: .milliseconds(500))
                #expect(response.body.bufferStatistics.pauseCount > 0)
                for _ in 0..<5 {
                    let other = try await client.execute(HTTPRequest(url: base + "/v2/"))
                    #expect(other.status == 200)
                    #expect(other.newConnectionCount == 0, "the request shares the paused stream's connection")
                }
                while let chunk = try await iterator.next() {
                    received += chunk
                    try await Task.sleep(for: .microseconds(200))
                }
                #expect(received == blob)
                #expect(response.body.bufferStatistics.maximumBufferedBytes <= bound)
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: registryBinary)))
    func aRegistryVerifyingClientCertificatesAcceptsAnIdentityFromMemoryOnly() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.startRegistry(certificates, requireClientCertificates: true) }) {
            server in
            let url = "https://localhost:\(server.port)/v2/"
            // The client certificate and key as PEM bytes in memory (never written by the client).
            var trusted = TLSConfiguration(certificateAuthority: .pem(try certificates.pem(certificates.caFile)))
            trusted.clientCertificate = .pem(try certificates.pem(certificates.clientCertificateFile))
            trusted.clientKey = .pem(try certificates.pem(certificates.clientKeyFile))
            var configuration = HTTPClient.Configuration()
            configuration.tls = trusted
            try await withClient(configuration) { client in
                let response = try await client.execute(HTTPRequest(url: url))
                #expect(response.status == 200)
                #expect(response.version == .http2)
            }
            // No client certificate, or one from a CA the registry does not trust: refused by TLS.
            var anonymous = trusted
            anonymous.clientCertificate = nil
            anonymous.clientKey = nil
            var stranger = trusted
            stranger.clientCertificate = .pem(try certificates.pem(certificates.otherCAFile))
            stranger.clientKey = .pem(try certificates.pem(certificates.directory + "/other-ca.key"))
            for tls in [anonymous, stranger] {
                configuration.tls = tls
                try await withClient(configuration) { client in
                    let error = await expectHTTPError { _ = try await client.execute(HTTPRequest(url: url)) }
                    // With TLS 1.3 the server rejects the certificate after the client's handshake is done,
                    // so curl reports a TLS alert, a reset or a lost connection, depending on timing.
                    #expect(
                        [.tls, .connectionLost, .protocol].contains(error?.code), "\(String(describing: error))")
                    #expect(error?.url == url)
                    #expect(error?.curlCode != nil && error?.message.isEmpty == false, "curl's code and text")
                }
            }
        }
    }
}
