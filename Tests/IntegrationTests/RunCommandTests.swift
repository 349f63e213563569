import Foundation
import JSONValue
import LocalAPIServer
import Testing

/// `vigil run` as a process against the local API server, with the real kubectl applying policies and
/// workloads and reading the reports.
@Suite(
    "vigil run command",
    .enabled(
        if: Kubectl.isAvailable && FileManager.default.isExecutableFile(atPath: Paths.vigil),
        "needs kubectl on PATH and a built .build/debug/vigil"))
struct RunCommandTests {
    static let policy = Paths.repository.appendingPathComponent(
        "../shared/testdata/kyverno/policies/best-practices/require-labels/require-labels.yaml"
    ).standardized.path
    static let kyvernoCRDs = Paths.repository.appendingPathComponent(
        "../shared/testdata/crds/kyverno/config/crds/kyverno"
    ).standardized.path

    static func pod(_ name: String, labelled: Bool) -> JSONValue {
        var metadata: JSONObject = ["name": .string(name), "namespace": "shop"]
        if labelled { metadata["labels"] = ["app.kubernetes.io/name": .string(name)] }
        return [
            "apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata),
            "spec": ["containers": [["name": "c", "image": "busybox"]]],
        ]
    }

    /// A local API server with the project's and Kyverno's CRDs, namespace `shop` with the given Pods
    /// (name, labelled) and the require-labels policy, all applied with the real kubectl; runs `body` with that
    /// kubectl and stops the server afterwards (awaited). Records an issue and skips `body` when the shared
    /// test data is missing.
    static func withCluster(pods: [(String, Bool)], _ body: (Kubectl) async throws -> Void) async throws {
        guard FileManager.default.fileExists(atPath: policy), FileManager.default.fileExists(atPath: kyvernoCRDs)
        else {
            Issue.record("shared test data missing (\(policy)); cannot run vigil run end to end")
            return
        }
        let server = try LocalAPIServer(configuration: .init(port: 0, tokens: ["test-token"]))
        try await server.start()
        do {
            let (kubectl, directory) = try Kubectl.make(for: server)
            defer { try? FileManager.default.removeItem(at: directory) }
            let crds = try await kubectl.run("apply", "-f", Paths.projectCRDs, "-f", kyvernoCRDs)
            #expect(crds.status == 0, "\(crds.error)")
            let workloads = directory.appendingPathComponent("workloads.json")
            let list: JSONValue = [
                "apiVersion": "v1", "kind": "List",
                "items": .array(
                    [["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "shop"]]]
                        + pods.map { pod($0.0, labelled: $0.1) }),
            ]
            try Data(list.serializedBytes()).write(to: workloads)
            // Schema validation is off: the local API server publishes no OpenAPI schema for kyverno.io yet.
            let applied = try await kubectl.run("apply", "--validate=false", "-f", workloads.path, "-f", policy)
            #expect(applied.status == 0, "\(applied.error)")
            try await body(kubectl)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func writesReportsKubectlReadsAndStopsOnSIGTERM() async throws {
        try await Self.withCluster(pods: [("cart", true), ("checkout", true), ("legacy", false)]) { kubectl in
            let controller = Process()
            controller.executableURL = URL(fileURLWithPath: Paths.vigil)
            controller.arguments = [
                "run", "--kubeconfig", kubectl.kubeconfig, "--no-leader-elect", "--log-format", "json",
            ]
            controller.environment = ProcessInfo.processInfo.environment.merging(["VIGIL_WORKERS": "3"]) { $1 }
            controller.standardOutput = FileHandle.nullDevice
            controller.standardError = FileHandle.nullDevice
            try controller.run()
            defer { if controller.isRunning { controller.terminate() } }

            // NAMESPACE NAME KIND NAME PASS FAIL WARN ERROR SKIP AGE, one row per Pod.
            var rows: [[String]] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let result = try await kubectl.run("get", "policyreport", "-A", "--no-headers")
                rows = result.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                if rows.count == 3 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let byPod = Dictionary(rows.filter { $0.count >= 9 }.map { ($0[3], Array($0[4...8])) }) { first, _ in first
            }
            #expect(byPod["cart"] == ["1", "0", "0", "0", "0"])
            #expect(byPod["checkout"] == ["1", "0", "0", "0", "0"])
            #expect(byPod["legacy"] == ["0", "1", "0", "0", "0"])
            #expect(rows.allSatisfy { $0.first == "shop" && $0.count > 2 && $0[2] == "Pod" })

            // Labelling the failing Pod turns its report green.
            let labelled = try await kubectl.run(
                "label", "pod", "legacy", "-n", "shop", "app.kubernetes.io/name=legacy")
            #expect(labelled.status == 0, "\(labelled.error)")
            var legacy: [String] = []
            while ContinuousClock.now < deadline {
                let result = try await kubectl.run("get", "policyreport", "-A", "--no-headers")
                legacy =
                    result.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                    .first { $0.count >= 9 && $0[3] == "legacy" }.map { Array($0[4...8]) } ?? []
                if legacy == ["1", "0", "0", "0", "0"] { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(legacy == ["1", "0", "0", "0", "0"])

            controller.terminate()  // SIGTERM
            let stopDeadline = ContinuousClock.now + .seconds(15)
            while controller.isRunning, ContinuousClock.now < stopDeadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!controller.isRunning)
            #expect(controller.terminationReason == .exit)
            #expect(controller.terminationStatus == 0)
        }
    }
}
