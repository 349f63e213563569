import Foundation
import JSONValue
import Testing

/// `vigil api-server` as a process: loads manifests, writes a kubeconfig, serves kubectl, stops on SIGTERM.
@Suite(
    "vigil api-server command",
    .enabled(
        if: Kubectl.isAvailable && FileManager.default.isExecutableFile(atPath: Paths.vigil),
        "needs kubectl on PATH and a built .build/debug/vigil"))
struct APIServerCommandTests {
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

        let server = Process()
        server.executableURL = URL(fileURLWithPath: Paths.vigil)
        server.arguments = [
            "api-server", "--address", "127.0.0.1:0", "--kubeconfig-out", kubeconfig, "--load", manifestPath,
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: kubeconfig), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
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
}
