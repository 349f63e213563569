import Foundation

/// A CA and a server certificate for 127.0.0.1 and localhost, generated with the openssl CLI.
public struct TestCertificates: Sendable {
    public let directory: URL
    public var caCertificate: URL { directory.appendingPathComponent("ca.crt") }
    public var serverCertificate: URL { directory.appendingPathComponent("server.crt") }
    public var serverKey: URL { directory.appendingPathComponent("server.key") }
    /// A directory with only `ca.crt` (skopeo's `--dest-cert-dir`).
    public var caDirectory: URL { directory.appendingPathComponent("ca-dir") }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-certs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let d = directory.path
        try ToolRunner.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=vigil test CA", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.crt",
            ])
        try ToolRunner.run(
            "openssl",
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr",
            ])
        try Data("subjectAltName=IP:127.0.0.1,DNS:localhost\n".utf8).write(
            to: directory.appendingPathComponent("ext.cnf"))
        try ToolRunner.run(
            "openssl",
            [
                "x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.crt", "-CAkey", "\(d)/ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "\(d)/ext.cnf", "-out", "\(d)/server.crt",
            ])
        try FileManager.default.createDirectory(at: caDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: caCertificate, to: caDirectory.appendingPathComponent("ca.crt"))
    }
}

/// A bcrypt htpasswd line, made with python3's `bcrypt` module (installed by scripts/bootstrap).
public enum HTPasswd {
    public static func line(user: String, password: String) throws -> String {
        let hash = try ToolRunner.run(
            "python3",
            [
                "-c",
                "import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=4)).decode())",
                password,
            ])
        return "\(user):\(hash.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}
