import Foundation
import HTTPClient
import Testing

/// TLS against the Python fixture server with certificates made by the openssl CLI.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientTLSTests {
    private func tlsServer(_ certificates: Certificates, requireClientCertificate: Bool = false) async throws
        -> ServerProcess
    {
        var extra = ["--cert", certificates.serverCertificateFile, "--key", certificates.serverKeyFile]
        if requireClientCertificate { extra += ["--client-ca", certificates.caFile] }
        return try await .python(extra: extra)
    }

    private func configuration(_ tls: TLSConfiguration) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.tls = tls
        return configuration
    }

    @Test func theRightCAFromAFileOrFromMemoryIsTrusted() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.tlsServer(certificates) }) { server in
            for source in [TLSConfiguration.Source.file(certificates.caFile), .pem(try certificates.pem(certificates.caFile))] {
                try await withClient(self.configuration(TLSConfiguration(certificateAuthority: source))) { client in
                    let response = try await client.execute(HTTPRequest(url: "https://localhost:\(server.port)/echo"))
                    #expect(response.status == 200)
                    #expect(response.version == .http1_1, "the Python server offers no h2: HTTP/1.1 fallback")
                }
            }
        }
    }

    @Test func aWrongCAFailsWithTLS() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.tlsServer(certificates) }) { server in
            let tls = TLSConfiguration(certificateAuthority: .pem(try certificates.pem(certificates.otherCAFile)))
            try await withClient(self.configuration(tls)) { client in
                let error = await expectHTTPError {
                    _ = try await client.execute(HTTPRequest(url: "https://localhost:\(server.port)/echo"))
                }
                #expect(error?.code == .tls)
                #expect(error?.curlCode == 60)
                #expect(error?.message.contains("certificate") == true, "\(String(describing: error))")
            }
            // The system trust store does not know the test CA either: verification is on by default.
            try await withClient { client in
                let error = await expectHTTPError {
                    _ = try await client.execute(HTTPRequest(url: "https://localhost:\(server.port)/echo"))
                }
                #expect(error?.code == .tls)
            }
        }
    }

    @Test func insecureSkipVerifyMustBeExplicit() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.tlsServer(certificates) }) { server in
            let tls = TLSConfiguration(
                certificateAuthority: .file(certificates.otherCAFile),
                insecureSkipVerify: true
            )
            try await withClient(self.configuration(tls)) { client in
                let response = try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/echo"))
                #expect(response.status == 200)
            }
        }
    }

    @Test func theServerNameOverrideVerifiesTheGivenNameAndKeepsTheHost() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.tlsServer(certificates) }) { server in
            let url = "https://127.0.0.1:\(server.port)/echo"
            let trusted = TLSConfiguration(certificateAuthority: .file(certificates.caFile))
            try await withClient(self.configuration(trusted)) { client in
                // The certificate names no IP address.
                let mismatch = await expectHTTPError { _ = try await client.execute(HTTPRequest(url: url)) }
                #expect(mismatch?.code == .tls)
                var overridden = trusted
                overridden.serverName = Certificates.serverName
                let response = try await client.execute(HTTPRequest(url: url, tls: overridden))
                #expect(response.status == 200)
                #expect(try Echo(response).header("host") == "127.0.0.1:\(server.port)")
                var wrongName = trusted
                wrongName.serverName = "not-in-the-certificate.internal"
                let wrong = await expectHTTPError { _ = try await client.execute(HTTPRequest(url: url, tls: wrongName)) }
                #expect(wrong?.code == .tls)
            }
        }
    }

    @Test func aClientCertificateRequiredByTheServerIsPresented() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.tlsServer(certificates, requireClientCertificate: true) }) { server in
            let url = "https://localhost:\(server.port)/echo"
            let identities: [(TLSConfiguration.Source, TLSConfiguration.Source)] = [
                (.file(certificates.clientCertificateFile), .file(certificates.clientKeyFile)),
                (
                    .pem(try certificates.pem(certificates.clientCertificateFile)),
                    .pem(try certificates.pem(certificates.clientKeyFile))
                ),
            ]
            for (certificate, key) in identities {
                let tls = TLSConfiguration(
                    certificateAuthority: .file(certificates.caFile),
                    clientCertificate: certificate,
                    clientKey: key
                )
                try await withClient(self.configuration(tls)) { client in
                    let response = try await client.execute(HTTPRequest(url: url))
                    #expect(response.status == 200)
                }
            }
            let anonymous = TLSConfiguration(certificateAuthority: .file(certificates.caFile))
            try await withClient(self.configuration(anonymous)) { client in
                let error = await expectHTTPError { _ = try await client.execute(HTTPRequest(url: url)) }
                #expect(error != nil, "the server requires a client certificate")
                #expect(error?.code == .tls || error?.code == .connectionLost, "\(String(describing: error))")
            }
        }
    }

    @Test func aMissingCAFileFailsWithTLS() async throws {
        let certificates = try await Certificates.shared()
        try await withServer({ try await self.tlsServer(certificates) }) { server in
            let tls = TLSConfiguration(certificateAuthority: .file(certificates.directory + "/missing.pem"))
            try await withClient(self.configuration(tls)) { client in
                let error = await expectHTTPError {
                    _ = try await client.execute(HTTPRequest(url: "https://localhost:\(server.port)/echo"))
                }
                #expect(error?.code == .tls)
            }
        }
    }
}
