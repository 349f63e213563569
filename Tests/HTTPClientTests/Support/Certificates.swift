import Foundation

/// Test PKI generated once per test run with the `openssl` CLI: a CA, a server certificate for `localhost` and
/// `vigil-test.internal` (no IP address, so `https://127.0.0.1` only verifies with a server name override), a
/// client certificate, and an unrelated CA.
struct Certificates: Sendable {
    let directory: String
    var caFile: String { self.directory + "/ca.pem" }
    var otherCAFile: String { self.directory + "/other-ca.pem" }
    var serverCertificateFile: String { self.directory + "/server.pem" }
    var serverKeyFile: String { self.directory + "/server.key" }
    var clientCertificateFile: String { self.directory + "/client.pem" }
    var clientKeyFile: String { self.directory + "/client.key" }

    static let serverName = "vigil-test.internal"

    func pem(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: file)))
    }

    static func shared() async throws -> Certificates {
        try await self.generation.value
    }

    private static let generation = Task { try await Certificates.generate() }

    private static func generate() async throws -> Certificates {
        let directory = try TestProcess.temporaryDirectory()
        let openssl = "/usr/bin/openssl"
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for name in ["ca", "other-ca"] {
            try await TestProcess.run(
                openssl,
                ["req", "-x509"] + key + [
                    "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).pem", "-days", "2",
                    "-subj", "/CN=Vigil test \(name)", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ]
            )
        }
        let leaves = [
            ("server", "/CN=localhost", "subjectAltName=DNS:localhost,DNS:\(serverName)\nextendedKeyUsage=serverAuth\n"),
            ("client", "/CN=vigil-test-client", "extendedKeyUsage=clientAuth\n"),
        ]
        for (serial, (name, subject, extensions)) in leaves.enumerated() {
            try extensions.write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
            try await TestProcess.run(
                openssl,
                ["req"] + key + ["-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).csr", "-subj", subject]
            )
            try await TestProcess.run(
                openssl,
                [
                    "x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", "\(directory)/ca.pem", "-CAkey",
                    "\(directory)/ca.key", "-set_serial", "\(serial + 2)", "-days", "2", "-out",
                    "\(directory)/\(name).pem", "-extfile", "\(directory)/\(name).ext",
                ]
            )
        }
        return Certificates(directory: directory)
    }
}
