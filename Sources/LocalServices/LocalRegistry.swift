import Foundation

/// Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a free port and storage in a temporary
/// directory, optionally with htpasswd basic auth and TLS; images are pushed with `skopeo copy`.
///
/// A watchdog shell stops the registry when the test process exits, so no registry outlives a test run.
public final class LocalRegistry: Sendable {
    /// `127.0.0.1:PORT`.
    public let host: String
    public let port: Int
    public let directory: URL
    public let tls: Bool
    private let process: Process
    /// Whether `docker-registry`, `skopeo` and `openssl` are on PATH (tests skip, visibly, without them).
    public static let toolsAvailable: Bool = ["docker-registry", "skopeo", "openssl"].allSatisfy {
        ToolRunner.which($0) != nil
    }
    public static let missingToolsMessage =
        "docker-registry, skopeo or openssl missing: run scripts/bootstrap (registry tests skipped)"

    /// Starts a registry.
    /// - Parameters:
    ///   - htpasswd: `user:bcrypt-hash` lines for basic auth, or nil for anonymous access.
    ///   - certificate: server certificate and key PEM files for TLS, or nil for plain HTTP.
    public init(htpasswd: String? = nil, certificate: (cert: URL, key: URL)? = nil) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-registry-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        let port = try FreePort.reserve()
        self.port = port
        self.host = "127.0.0.1:\(port)"
        self.tls = certificate != nil
        var config = """
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: \(directory.path)/storage
            http:
              addr: 127.0.0.1:\(port)

            """
        if let certificate {
            config += "  tls:\n    certificate: \(certificate.cert.path)\n    key: \(certificate.key.path)\n"
        }
        if let htpasswd {
            let file = directory.appendingPathComponent("htpasswd")
            try Data((htpasswd + "\n").utf8).write(to: file)
            config += "auth:\n  htpasswd:\n    realm: vigil-test\n    path: \(file.path)\n"
        }
        let configFile = directory.appendingPathComponent("config.yml")
        try Data(config.utf8).write(to: configFile)
        self.process = try ToolRunner.startWatched(
            "docker-registry", ["serve", configFile.path], log: directory.appendingPathComponent("registry.log"))
        try waitUntilListening()
    }

    private func waitUntilListening() throws {
        for _ in 0..<200 {
            if FreePort.isListening(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("registry.log"), encoding: .utf8)) ?? ""
        throw ToolError(message: "docker-registry did not start on \(host): \(log)")
    }

    /// Pushes an OCI layout's tag to `repository:tag` (all platforms of an index).
    public func push(layout: URL, tag: String, repository: String, credentials: String? = nil, caDirectory: URL? = nil)
        throws
    {
        var arguments = ["--insecure-policy", "copy", "--all", "--quiet"]
        if let caDirectory {
            arguments += ["--dest-cert-dir", caDirectory.path]
        } else {
            arguments.append("--dest-tls-verify=false")
        }
        if let credentials { arguments += ["--dest-creds", credentials] }
        arguments += ["oci:\(layout.path):\(tag)", "docker://\(host)/\(repository):\(tag)"]
        try ToolRunner.run("skopeo", arguments)
    }

    /// The digest of the manifest (or index) the registry serves for `repository:tag` (plain HTTP registries).
    public func digest(of repositoryAndTag: String) throws -> String {
        let raw = try ToolRunner.runData(
            "skopeo",
            ["--insecure-policy", "inspect", "--raw", "--tls-verify=false", "docker://\(host)/\(repositoryAndTag)"])
        return OCILayout.sha256(raw)
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
