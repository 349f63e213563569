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

    @Test func writesReportsKubectlReadsAndStopsOnSIGTERM() async throws {
        guard FileManager.default.fileExists(atPath: Self.policy),
            FileManager.default.fileExists(atPath: Self.kyvernoCRDs)
        else {
            Issue.record("shared test data missing (\(Self.policy)); cannot run vigil run end to end")
            return
        }
        let server = try LocalAPIServer(configuration: .init(port: 0, tokens: ["test-token"]))
        try await server.start()
        defer { Task { await server.stop() } }
        let (kubectl, directory) = try Kubectl.make(for: server)
        defer { try? FileManager.default.removeItem(at: directory) }
        let crds = try await kubectl.run("apply", "-f", Paths.projectCRDs, "-f", Self.kyvernoCRDs)
        #expect(crds.status == 0, "\(crds.error)")
        let workloads = directory.appendingPathComponent("workloads.json")
        let list: JSONValue = [
            "apiVersion": "v1", "kind": "List",
            "items": [
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "shop"]],
                Self.pod("cart", labelled: true), Self.pod("checkout", labelled: true),
                Self.pod("legacy", labelled: false),
            ],
        ]
        try Data(list.serializedBytes()).write(to: workloads)
        // Schema validation is off: the local API server publishes no OpenAPI schema for kyverno.io yet.
        let applied = try await kubectl.run("apply", "--validate=false", "-f", workloads.path, "-f", Self.policy)
        #expect(applied.status == 0, "\(applied.error)")

        let controller = Process()
        controller.executableURL = URL(fileURLWithPath: Paths.vigil)
        controller.arguments = ["run", "--kubeconfig", kubectl.kubeconfig, "--no-leader-elect", "--log-format", "json"]
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
        let byPod = Dictionary(rows.filter { $0.count >= 9 }.map { ($0[3], Array($0[4...8])) }) { first, _ in first }
        #expect(byPod["cart"] == ["1", "0", "0", "0", "0"])
        #expect(byPod["checkout"] == ["1", "0", "0", "0", "0"])
        #expect(byPod["legacy"] == ["0", "1", "0", "0", "0"])
        #expect(rows.allSatisfy { $0.first == "shop" && $0.count > 2 && $0[2] == "Pod" })

        // Labelling the failing Pod turns its report green.
        let labelled = try await kubectl.run("label", "pod", "legacy", "-n", "shop", "app.kubernetes.io/name=legacy")
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
