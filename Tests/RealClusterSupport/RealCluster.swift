import Foundation
import KubeClient

/// A real Kubernetes control plane (etcd + kube-apiserver, optionally kube-controller-manager) for tests,
/// started with the envtest `cluster` script and stopped exactly (the script stops the processes it
/// recorded).
///
/// Found through the envtest convention: `KUBEBUILDER_ASSETS` names the folder with `kube-apiserver`,
/// `etcd` and `kubectl` (`scripts/test` sets it from `../shared/envtest/setup`); the `cluster` script is
/// `$ENVTEST_CLUSTER`, else `cluster` in that folder or beside it, else the repository's
/// `../shared/envtest/cluster`. Without them ``isAvailable`` is false and the real-cluster tests skip.
public final class RealCluster: Sendable {
    /// Why a start or a tool failed, with its output.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The result of a finished tool.
    public struct ToolResult: Sendable {
        public var status: Int32
        public var output: String
        public var error: String
    }

    /// The folder holding the cluster's files (kubeconfig, pki/, logs).
    public let directory: URL
    /// `https://127.0.0.1:<port>`.
    public let server: String
    /// The admin kubeconfig (bearer token, group `system:masters`).
    public let kubeconfig: String
    /// The admin kubeconfig with a client certificate instead of the token.
    public let certificateKubeconfig: String
    /// The admin bearer token.
    public let adminToken: String
    /// The cluster CA (PEM).
    public let caPEM: [UInt8]

    /// The repository root (this file is Tests/RealClusterSupport/RealCluster.swift).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `KUBEBUILDER_ASSETS` when it names a folder with `kube-apiserver`.
    public static var assets: String? {
        guard let assets = ProcessInfo.processInfo.environment["KUBEBUILDER_ASSETS"], !assets.isEmpty,
            FileManager.default.isExecutableFile(atPath: assets + "/kube-apiserver")
        else { return nil }
        return assets
    }

    /// The envtest `cluster` script.
    public static var script: String? {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["ENVTEST_CLUSTER"] { candidates.append(explicit) }
        if let assets { candidates += [assets + "/cluster", assets + "/../cluster"] }
        candidates.append(repository.appendingPathComponent("../shared/envtest/cluster").standardized.path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a real control plane can be started here.
    public static var isAvailable: Bool { assets != nil && script != nil }

    /// `kubectl`: the one in the assets folder, else from PATH.
    public static var kubectlPath: String {
        if let assets, FileManager.default.isExecutableFile(atPath: assets + "/kubectl") { return assets + "/kubectl" }
        return "kubectl"
    }

    private init(directory: URL) throws {
        self.directory = directory
        kubeconfig = directory.appendingPathComponent("kubeconfig").path
        certificateKubeconfig = directory.appendingPathComponent("kubeconfig-cert").path
        let port = try String(contentsOf: directory.appendingPathComponent("port"), encoding: .utf8)
        server = "https://127.0.0.1:" + port.trimmingCharacters(in: .whitespacesAndNewlines)
        adminToken = try String(contentsOf: directory.appendingPathComponent("token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        caPEM = Array(try Data(contentsOf: directory.appendingPathComponent("pki/ca.crt")))
    }

    /// Starts a control plane in a new temporary folder and returns once `/readyz` answers 200.
    /// - Parameters:
    ///   - controllerManager: also run kube-controller-manager (`WITH_KCM=1`: ClusterRole aggregation,
    ///     garbage collection, namespace deletion, the `default` ServiceAccount).
    ///   - apiServerArguments: more kube-apiserver flags (`APISERVER_EXTRA_ARGS`), such as
    ///     `--etcd-compaction-interval=5s`.
    /// - Throws: ``Failure`` with the script's output when it does not start.
    public static func start(controllerManager: Bool = false, apiServerArguments: [String] = []) async throws
        -> RealCluster
    {
        guard let script, let assets else { throw Failure(description: "no envtest: KUBEBUILDER_ASSETS is unset") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vigil-envtest-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["KUBEBUILDER_ASSETS"] = assets
        environment["WITH_KCM"] = controllerManager ? "1" : "0"
        environment["APISERVER_EXTRA_ARGS"] = apiServerArguments.joined(separator: " ")
        let started = try await run(script, ["start", directory.path], environment: environment, timeout: 240)
        guard started.status == 0 else {
            _ = try? await run(script, ["stop", directory.path], environment: environment, timeout: 60)
            throw Failure(description: "envtest cluster start \(directory.path) failed: \(started.error)")
        }
        return try RealCluster(directory: directory)
    }

    /// Stops exactly the processes this cluster started and removes its folder.
    public func stop() async {
        if let script = Self.script {
            _ = try? await Self.run(script, ["stop", directory.path], timeout: 120)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a started cluster, stopping it afterwards (also when `body` throws).
    public static func with<T>(
        controllerManager: Bool = false, apiServerArguments: [String] = [],
        _ body: (RealCluster) async throws -> T
    ) async throws -> T {
        let cluster = try await start(controllerManager: controllerManager, apiServerArguments: apiServerArguments)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    /// A client configuration for this cluster: the admin token by default, or the given authentication
    /// and client certificate.
    public func clientConfiguration(
        authentication: ClientConfiguration.Authentication? = nil,
        clientCertificate: (certificatePEM: [UInt8], keyPEM: [UInt8])? = nil, qps: Double = 200, burst: Int = 400
    ) -> ClientConfiguration {
        ClientConfiguration(
            server: server,
            tls: .init(
                certificateAuthorityPEM: caPEM, clientCertificatePEM: clientCertificate?.certificatePEM,
                clientKeyPEM: clientCertificate?.keyPEM),
            authentication: authentication ?? .bearerToken(adminToken), qps: qps, burst: burst)
    }

    /// The admin client certificate and key (PEM), user `admin` in `system:masters`.
    public func adminCertificate() throws -> (certificatePEM: [UInt8], keyPEM: [UInt8]) {
        (
            Array(try Data(contentsOf: directory.appendingPathComponent("pki/admin.crt"))),
            Array(try Data(contentsOf: directory.appendingPathComponent("pki/admin.key")))
        )
    }

    /// Runs `body` with a libcurl client for `configuration` (the admin one by default), shut down after.
    @discardableResult
    public func withClient<T>(
        _ configuration: ClientConfiguration? = nil, _ body: (KubeClient) async throws -> T
    ) async throws -> T {
        let configuration = configuration ?? clientConfiguration()
        let transport = try CurlKubeTransport(configuration: configuration, requestTimeout: .seconds(30))
        let client = KubeClient(configuration: configuration, transport: transport)
        do {
            let result = try await body(client)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    /// Runs the real kubectl against this cluster as admin (or with `kubeconfig`), with `input` on stdin.
    @discardableResult
    public func kubectl(_ arguments: [String], kubeconfig: String? = nil, input: String? = nil) async throws
        -> ToolResult
    {
        try await Self.run(
            Self.kubectlPath,
            [
                "--kubeconfig", kubeconfig ?? self.kubeconfig, "--cache-dir",
                directory.appendingPathComponent("cache").path,
            ]
                + arguments, input: input)
    }

    /// Like ``kubectl(_:kubeconfig:input:)`` but throws ``Failure`` (with stderr) when kubectl fails;
    /// returns its standard output.
    @discardableResult
    public func kubectlOK(_ arguments: String..., input: String? = nil) async throws -> String {
        let result = try await kubectl(arguments, input: input)
        guard result.status == 0 else {
            throw Failure(description: "kubectl \(arguments.joined(separator: " ")) failed: \(result.error)")
        }
        return result.output
    }

    /// Waits until every CustomResourceDefinition is Established. Retries `kubectl wait`, which fails
    /// outright on a CRD applied a moment ago that has no status yet.
    public func waitUntilCRDsEstablished(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let result = try await kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=30s"])
            if result.status == 0 { return }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "CRDs not Established: \(result.error)")
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// A kubeconfig for this cluster authenticating with `token` (such as a ServiceAccount's), with
    /// `namespace` as the context's, written into the cluster's folder; returns its path.
    public func writeKubeconfig(token: String, name: String, namespace: String = "default") throws -> String {
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: real
              cluster:
                server: \(server)
                certificate-authority-data: \(Data(caPEM).base64EncodedString())
            contexts:
            - name: real
              context: {cluster: real, user: \(name), namespace: \(namespace)}
            current-context: real
            users:
            - name: \(name)
              user:
                token: \(token)

            """
        let path = directory.appendingPathComponent("kubeconfig-\(name)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }

    /// etcd's client URL (`http://127.0.0.1:<port>`), read from the running etcd's command line.
    public func etcdEndpoint() throws -> String {
        let pids = try String(contentsOf: directory.appendingPathComponent("pids"), encoding: .utf8)
        guard let line = pids.split(separator: "\n").first(where: { $0.hasPrefix("etcd ") }),
            let pid = line.split(separator: " ").last
        else { throw Failure(description: "no etcd in \(directory.path)/pids") }
        let arguments = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8).split(separator: "\0")
        guard let flag = arguments.firstIndex(of: "--listen-client-urls"), flag + 1 < arguments.count else {
            throw Failure(description: "etcd (pid \(pid)) has no --listen-client-urls")
        }
        return String(arguments[flag + 1])
    }

    /// Compacts etcd at its current revision (physically), through etcd's v3 JSON gateway: every older
    /// resource version is gone, so a watch or a continue token from before answers 410 (for resources
    /// the API server does not serve from its watch cache). Returns the revision.
    @discardableResult
    public func compactEtcd() async throws -> Int {
        let endpoint = try etcdEndpoint()
        let range = try await Self.run(
            "curl",
            [
                "-sS", "--max-time", "10", "-X", "POST", endpoint + "/v3/kv/range", "-d",
                #"{"key":"AA==","limit":1,"keys_only":true}"#,
            ])
        guard range.status == 0,
            let revision = Self.firstMatch(#""revision":"([0-9]+)""#, in: range.output).flatMap(Int.init)
        else { throw Failure(description: "etcd range at \(endpoint) failed: \(range.output) \(range.error)") }
        let compacted = try await Self.run(
            "curl",
            [
                "-sS", "--max-time", "30", "-X", "POST", endpoint + "/v3/kv/compaction", "-d",
                #"{"revision":"\#(revision)","physical":true}"#,
            ])
        guard compacted.status == 0, !compacted.output.contains("\"error\"") else {
            throw Failure(description: "etcd compaction at \(endpoint) failed: \(compacted.output) \(compacted.error)")
        }
        return revision
    }

    private static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
            let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }

    /// Runs a tool to completion; output goes to files and the wait happens on its own thread (never
    /// blocking the cooperative pool). After `timeout` seconds it is killed and ``Failure`` thrown.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil,
        timeout: Double = 120
    ) async throws -> ToolResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-rc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inURL = scratch.appendingPathComponent("in")
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        try Data((input ?? "").utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        let stdin = try FileHandle(forReadingFrom: inURL)
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let outcome = await ChildExit.wait(process, timeout: timeout)
        if outcome == nil {
            kill(process.processIdentifier, SIGKILL)
            _ = await ChildExit.wait(process, timeout: 30)
        }
        try stdin.close()
        try stdout.close()
        try stderr.close()
        let output = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let error = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        switch outcome {
        case .exited(let status)?:
            return ToolResult(status: status, output: output, error: error)
        case .signalled(let signal)?:
            return ToolResult(status: 128 + signal, output: output, error: error)
        case nil:
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) timed out: \(error)")
        }
    }
}
