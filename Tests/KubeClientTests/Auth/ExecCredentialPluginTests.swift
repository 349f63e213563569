import Foundation
import JSONValue
import Synchronization
import Testing

@testable import KubeClient

struct ExecCredentialPluginTests {
    /// Writes a plugin script that counts its runs in `count` and prints an ExecCredential.
    private func plugin(in directory: String, status: String, exitCode: Int = 0) throws -> String {
        let script = """
            #!/bin/sh
            echo run >> "\(directory)/count"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "\(directory)/exec-info"
            printf '%s %s' "$1" "$PLUGIN_SETTING" > "\(directory)/args"
            echo "plugin diagnostics" >&2
            cat <<'JSON'
            {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":\(status)}
            JSON
            exit \(exitCode)
            """
        let path = directory + "/plugin.sh"
        try Fixtures.write(script, to: path, executable: true)
        return path
    }

    private func configuration(command: String, provideClusterInfo: Bool = false) -> ExecCredentialPlugin.Configuration
    {
        var tls = ClientConfiguration.TLS()
        tls.certificateAuthorityPEM = Array("PEM".utf8)
        let cluster = KubeConfig.Cluster(
            name: "c",
            server: "https://h:6443",
            certificateAuthority: nil,
            certificateAuthorityData: nil,
            insecureSkipTLSVerify: false,
            tlsServerName: "kubernetes",
            proxyURL: nil,
            origin: .init(file: nil, path: "clusters[0]")
        )
        return ExecCredentialPlugin.Configuration(
            exec: KubeConfig.ExecConfig(
                apiVersion: "client.authentication.k8s.io/v1",
                command: command,
                args: ["--flag"],
                env: [KubeConfig.EnvVar(name: "PLUGIN_SETTING", value: "on")],
                interactiveMode: "Never",
                provideClusterInfo: provideClusterInfo,
                installHint: "install the login plugin"
            ),
            clusterInfo: provideClusterInfo ? ExecCredentialPlugin.ClusterInfo(cluster: cluster, tls: tls) : nil,
            userName: "u",
            configFile: "/k/config",
            field: "users[0].user.exec"
        )
    }

    private func runCount(_ directory: String) -> Int {
        guard let data = FileManager.default.contents(atPath: directory + "/count") else { return 0 }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").count
    }

    @Test func runsPluginWithEnvArgsAndExecInfo() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let command = try plugin(
            in: directory, status: #"{"token":"tok-1","expirationTimestamp":"2099-01-01T00:00:00Z"}"#)
        let credential = try await ExecCredentialPlugin.run(
            configuration(command: command, provideClusterInfo: true),
            environment: ["PATH": "/usr/bin:/bin"]
        )
        #expect(credential.token == "tok-1")
        #expect(credential.expiration == Date(timeIntervalSince1970: 4_070_908_800))
        let args = String(decoding: try Fixtures.contents(directory + "/args", absolute: true), as: UTF8.self)
        #expect(args == "--flag on")
        let info = try JSONValue.parse(try Fixtures.contents(directory + "/exec-info", absolute: true))
        #expect(info["kind"] == "ExecCredential")
        #expect(info[path: "spec", "interactive"] == false)
        #expect(info[path: "spec", "cluster", "server"] == "https://h:6443")
        #expect(
            info[path: "spec", "cluster", "certificate-authority-data"] == .string(Base64.encode(Array("PEM".utf8))))
    }

    @Test func failingPluginReportsStatusAndStderr() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let command = try plugin(in: directory, status: "{}", exitCode: 3)
        await #expect {
            _ = try await ExecCredentialPlugin.run(configuration(command: command), environment: [:])
        } throws: { error in
            guard let error = error as? KubeConfigError else { return false }
            return error.kind == .execPluginFailed && error.field == "users[0].user.exec"
                && error.message.contains("status 3") && error.message.contains("plugin diagnostics")
        }
    }

    @Test func missingCommandShowsInstallHint() async throws {
        await #expect {
            _ = try await ExecCredentialPlugin.run(configuration(command: "/nonexistent/login"), environment: [:])
        } throws: { error in
            "\(error)".contains("not found") && "\(error)".contains("install the login plugin")
        }
    }

    @Test(arguments: [
        #"{}"#,
        #"{"clientCertificateData":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}"#,
        #"{"token":"t","expirationTimestamp":"tomorrow"}"#,
    ])
    func rejectsUnusableStatus(status: String) async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let command = try plugin(in: directory, status: status)
        await #expect(throws: KubeConfigError.self) {
            _ = try await ExecCredentialPlugin.run(configuration(command: command), environment: [:])
        }
    }

    @Test func clientCertificateCredential() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let certificate = String(decoding: try Fixtures.contents("certs/client.crt"), as: UTF8.self)
        let key = String(decoding: try Fixtures.contents("certs/client.key"), as: UTF8.self)
        let status: JSONValue = ["clientCertificateData": .string(certificate), "clientKeyData": .string(key)]
        let command = try plugin(in: directory, status: status.serialized())
        let credential = try await ExecCredentialPlugin.run(configuration(command: command), environment: [:])
        #expect(credential.clientCertificatePEM == Array(certificate.utf8))
        #expect(credential.clientKeyPEM == Array(key.utf8))
        #expect(credential.token == nil)
    }

    @Test func providerCachesUntilExpiryAndRerunsAfter401() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let command = try plugin(
            in: directory, status: #"{"token":"tok","expirationTimestamp":"2030-01-01T00:00:00Z"}"#)
        let clock = TestWallClock(Date(timeIntervalSince1970: 1_800_000_000))  // 2027
        let provider = CredentialProvider(
            authentication: .exec(configuration(command: command)),
            environment: [:],
            now: { clock.now }
        )
        let first = try await provider.credentials()
        #expect(first.authorization == "Bearer tok")
        _ = try await provider.credentials()
        #expect(runCount(directory) == 1)
        // A 401 with the current credentials forces a re-run.
        await provider.invalidate(first)
        _ = try await provider.credentials()
        #expect(runCount(directory) == 2)
        // Expiry forces a re-run.
        clock.now = Date(timeIntervalSince1970: 1_900_000_000)  // after 2030
        _ = try await provider.credentials()
        #expect(runCount(directory) == 3)
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        let command = try plugin(in: directory, status: #"{"token":"tok"}"#)
        let provider = CredentialProvider(authentication: .exec(configuration(command: command)), environment: [:])
        try await withThrowingTaskGroup(of: Credentials.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.credentials() } }
            for try await credentials in group { #expect(credentials.authorization == "Bearer tok") }
        }
        #expect(runCount(directory) == 1)
    }
}

extension Fixtures {
    static func contents(_ path: String, absolute: Bool) throws -> [UInt8] {
        guard absolute else { return try contents(path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileNoSuchFile) }
        return Array(data)
    }
}

/// A settable wall clock for expiry tests.
final class TestWallClock: Sendable {
    private let value: Mutex<Date>
    init(_ date: Date) { value = Mutex(date) }
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
