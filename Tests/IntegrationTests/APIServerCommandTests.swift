import Foundation
import JSONValue
import LocalAPIServer
import Testing

/// `vigil api-server` as a process: loads manifests, writes a kubeconfig, serves kubectl, stops on SIGTERM.
@Suite(
    "vigil api-server command",
    .enabled(
        if: Kubectl.isAvailable && FileManager.default.isExecutableFile(atPath: Paths.vigil),
        "needs kubectl on PATH and a built .build/debug/vigil"))
struct APIServerCommandTests {
    /// Starts `vigil api-server` on a free port writing `kubeconfig`, and waits (at most 30 s) for the file.
    static func startServer(kubeconfig: String, _ arguments: [String]) async throws -> Process {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Paths.vigil)
        server.arguments = ["api-server", "--address", "127.0.0.1:0", "--kubeconfig-out", kubeconfig] + arguments
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: kubeconfig), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        return server
    }

    @Test func servesLoadedManifestsAndStopsOnSIGTERM() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest: JSONValue = [
            "kind": "List", "apiVersion": "v1",
            "items": [
                [
                    "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "loaded", "namespace": "preloaded"],
                    "spec": ["containers": [["name": "c", "image": "busybox"]]],
                ],
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "preloaded"]],
            ],
        ]
        let manifestPath = directory.appendingPathComponent("objects.json").path
        try Data(manifest.serializedBytes()).write(to: URL(fileURLWithPath: manifestPath))
        let kubeconfig = directory.appendingPathComponent("kubeconfig").path

        let server = try await Self.startServer(kubeconfig: kubeconfig, ["--load", manifestPath])
        defer { if server.isRunning { server.terminate() } }
        let kubectl = Kubectl(kubeconfig: kubeconfig, cacheDirectory: directory.appendingPathComponent("cache").path)
        let pods = try await kubectl.run("get", "pods", "-n", "preloaded", "-o", "name")
        #expect(pods.status == 0, "\(pods.error)")
        #expect(pods.output.trimmingCharacters(in: .whitespacesAndNewlines) == "pod/loaded")

        server.terminate()  // SIGTERM
        let stopDeadline = ContinuousClock.now + .seconds(15)
        while server.isRunning, ContinuousClock.now < stopDeadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!server.isRunning)
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)
    }

    @Test func clientCAFileAuthenticatesCertificatesItSignedAndABadFileIsNamed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let authority = try CertificateAuthority()
        let caPath = directory.appendingPathComponent("client-ca.pem").path
        try authority.caCertificatePEM.write(toFile: caPath, atomically: true, encoding: .utf8)
        let badPath = directory.appendingPathComponent("not-a-ca.pem").path
        try "hello".write(toFile: badPath, atomically: true, encoding: .utf8)

        let refused = try await ToolProcess.run(
            Paths.vigil, ["api-server", "--address", "127.0.0.1:0", "--client-ca-file", badPath])
        #expect(refused.status != 0)
        #expect(refused.error.contains(badPath) && refused.error.contains("invalid client certificate authority"))

        let kubeconfig = directory.appendingPathComponent("kubeconfig").path
        let server = try await Self.startServer(kubeconfig: kubeconfig, ["--client-ca-file", caPath])
        defer { if server.isRunning { server.terminate() } }
        // The written kubeconfig with its token swapped for a client certificate of the client CA.
        let issued = try authority.issueClientCertificate(user: "operator")
        let withCertificate = try String(contentsOfFile: kubeconfig, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { line -> [String] in
                guard line.trimmingCharacters(in: .whitespaces).hasPrefix("token:") else { return [String(line)] }
                return [
                    "    client-certificate-data: \(Data(issued.certificatePEM.utf8).base64EncodedString())",
                    "    client-key-data: \(Data(issued.keyPEM.utf8).base64EncodedString())",
                ]
            }
            .joined(separator: "\n")
        let certificateKubeconfig = directory.appendingPathComponent("kubeconfig-certificate").path
        try withCertificate.write(toFile: certificateKubeconfig, atomically: true, encoding: .utf8)
        let kubectl = Kubectl(
            kubeconfig: certificateKubeconfig, cacheDirectory: directory.appendingPathComponent("cache").path)
        let namespaces = try await kubectl.run("get", "namespaces", "-o", "name")
        #expect(namespaces.status == 0, "\(namespaces.error)")
        #expect(namespaces.output.contains("namespace/default"))
        await ToolProcess.stop(server)
    }

    /// kubectl sends no credentials over plain HTTP: the insecure listener authenticates nobody (as
    /// kube-apiserver's former insecure port), its kubeconfig carries none, and credentials flags are refused.
    @Test func insecureHTTPServesKubectlWithoutCredentials() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let refused = try await ToolProcess.run(
            Paths.vigil, ["api-server", "--address", "127.0.0.1:0", "--insecure-http", "--token", "t"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("--insecure-http") && refused.error.contains("--token"), "\(refused.error)")

        let kubeconfig = directory.appendingPathComponent("kubeconfig").path
        let server = try await Self.startServer(kubeconfig: kubeconfig, ["--insecure-http"])
        defer { if server.isRunning { server.terminate() } }
        let written = try String(contentsOfFile: kubeconfig, encoding: .utf8)
        #expect(written.contains("server: \"http://127.0.0.1:"))
        #expect(!written.contains("token:") && !written.contains("certificate-authority-data"))
        let kubectl = Kubectl(kubeconfig: kubeconfig, cacheDirectory: directory.appendingPathComponent("cache").path)
        let created = try await kubectl.run("create", "configmap", "plain", "-n", "default", "--from-literal=a=b")
        #expect(created.status == 0, "\(created.error)")
        let read = try await kubectl.run("get", "configmap", "plain", "-n", "default", "-o", "jsonpath={.data.a}")
        #expect(read.status == 0, "\(read.error)")
        #expect(read.output == "b")
        await ToolProcess.stop(server)
    }
}
