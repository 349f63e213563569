import Foundation
import JSONValue
import KubeClient
import RealClusterSupport
import Testing

/// `vigil run` against the real kube-apiserver of `../shared/envtest`: SIGTERM right after start, in the
/// middle of the first scan, and during a resync (resyncs every second) exits 0 within the grace period, and
/// a restart converges to the offline engine. Skipped (with a note) when the envtest assets are absent.
@Suite(
    "vigil run shutdown against a real control plane", .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: VigilRun.executable), "needs a built .build/debug/vigil"),
    .enabled(if: RealCluster.isAvailable, "no real control plane: KUBEBUILDER_ASSETS is unset"))
struct RunShutdownEnvtestTests {
    /// Milliseconds after start, and whether `vigil run` resyncs every second (so the signal lands in one).
    @Test(arguments: [(0, false), (400, false), (1500, false), (3000, true), (4500, true)])
    func sigtermExitsAndARestartConverges(_ delay: Int, _ resyncing: Bool) async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await RealCluster.with { cluster in try await Self.run(cluster, delay: delay, resyncing: resyncing) }
    }

    static func run(_ cluster: RealCluster, delay: Int, resyncing: Bool) async throws {
        let kubeconfig = cluster.kubeconfig
        let kubectl = { (arguments: [String]) async throws -> RealCluster.ToolResult in
            try await cluster.kubectl(arguments)
        }
        let crds = try await kubectl([
            "apply", "--server-side", "-f", ControllerHarness.repository.appendingPathComponent("manifests/crds").path,
            "-f", ControllerHarness.kyvernoCRDs,
        ])
        #expect(crds.status == 0, "\(crds.error)")
        _ = try await kubectl(["wait", "--for", "condition=established", "crd", "--all", "--timeout", "60s"])
        let policies = ControllerHarness.policyFiles.flatMap { ["-f", ControllerHarness.policyCorpus + "/" + $0] }
        let applied = try await kubectl(["apply"] + policies)
        #expect(applied.status == 0, "\(applied.error)")
        var items: [JSONValue] = [ControllerHarness.namespace("team-a")]
        for index in 0..<150 {
            items.append(
                ControllerHarness.pod(
                    "pod-\(index)", namespace: "team-a", labelled: index % 2 == 0, limits: index % 3 == 0,
                    probes: index % 4 != 1, privileged: index == 5, nonRoot: index % 5 == 0))
        }
        let workloads = cluster.directory.appendingPathComponent("workloads.json").path
        try Data(JSONValue.object(["apiVersion": "v1", "kind": "List", "items": .array(items)]).serializedBytes())
            .write(to: URL(fileURLWithPath: workloads))
        let created = try await kubectl(["apply", "-f", workloads])
        #expect(created.status == 0, "\(created.error)")

        let arguments = ["--shutdown-grace-period", "\(RunShutdownTests.gracePeriod)s"]
        let first = try VigilRun(
            kubeconfig: kubeconfig, arguments: arguments + (resyncing ? ["--background-scan-interval", "1s"] : []))
        defer { first.kill() }
        #expect(try await first.waitForLog("starting"))
        try await Task.sleep(for: .milliseconds(delay))
        first.signal(SIGTERM)
        let exited = await first.waitForExit(within: RunShutdownTests.exitBound)
        #expect(exited, "vigil run did not exit within \(RunShutdownTests.exitBound) of SIGTERM: \(first.log)")
        guard exited else { return }
        #expect(first.exitedNormally && first.status == 0, "exit status \(first.status ?? -1): \(first.log)")

        let second = try VigilRun(kubeconfig: kubeconfig, arguments: arguments)
        defer { second.kill() }
        var configuration = try ClientConfiguration.load(kubeconfig: kubeconfig, environment: [:])
        configuration.qps = 500
        configuration.burst = 500
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(configuration: configuration, transport: transport)
        var reports: [String: [String]] = [:]
        var oracle: [String: [String]] = [:]
        let deadline = ContinuousClock.now + .seconds(90)
        repeat {
            oracle = try await ControllerHarness.oracle(client)
            reports = try await ControllerHarness.reports(client)
            if reports == oracle { break }
            try await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < deadline
        await transport.shutdown()
        #expect(oracle.count == 150)
        #expect(reports == oracle, "reports differ from the offline engine after a restart")
        second.signal(SIGTERM)
        #expect(await second.waitForExit(within: RunShutdownTests.exitBound))
        #expect(second.exitedNormally && second.status == 0, "exit status \(second.status ?? -1): \(second.log)")
    }
}
