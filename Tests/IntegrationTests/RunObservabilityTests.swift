import Foundation
import HTTPClient
import JSONValue
import LocalAPIServer
import RegistryTestSupport
import Testing

/// `vigil run`'s endpoints as a process: `/readyz` turns ready once the informers synced, `promtool` accepts
/// its `/metrics`, and a real Prometheus scrapes it and sees `kyverno_policy_results_total` for the scan.
@Suite(
    "vigil run metrics and health",
    .enabled(
        if: Kubectl.isAvailable && FileManager.default.isExecutableFile(atPath: Paths.vigil)
            && ToolProcess.isOnPath("prometheus") && ToolProcess.isOnPath("promtool"),
        "needs kubectl, prometheus and promtool on PATH and a built .build/debug/vigil"))
struct RunObservabilityTests {
    @Test func prometheusScrapesVigilRun() async throws {
        try await RunCommandTests.withCluster(pods: [("cart", true), ("legacy", false), ("old", false)]) { kubectl in
            let metricsPort = try FreePort.reserve()
            let healthPort = try FreePort.reserve()
            let controller = Process()
            controller.executableURL = URL(fileURLWithPath: Paths.vigil)
            controller.arguments = [
                "run", "--kubeconfig", kubectl.kubeconfig, "--no-leader-elect", "--log-format", "json",
                "--metrics-address", "127.0.0.1:\(metricsPort)", "--health-address", "127.0.0.1:\(healthPort)",
            ]
            controller.standardOutput = FileHandle.nullDevice
            controller.standardError = FileHandle.nullDevice
            try controller.run()
            let client = try HTTPClient()
            do {
                try await check(client: client, kubectl: kubectl, metricsPort: metricsPort, healthPort: healthPort)
            } catch {
                await client.shutdown()
                await ToolProcess.stop(controller)
                throw error
            }
            await client.shutdown()
            await ToolProcess.stop(controller)
            #expect(controller.terminationStatus == 0)
        }
    }

    private func check(client: HTTPClient, kubectl: Kubectl, metricsPort: Int, healthPort: Int) async throws {
        // Ready once the informers have synced (leader election is off).
        var ready = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !ready, ContinuousClock.now < deadline {
            let response = try? await client.execute(
                HTTPRequest(url: "http://127.0.0.1:\(healthPort)/readyz?verbose", timeout: .seconds(5)))
            ready = response?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(ready, "/readyz never answered 200")
        let live = try await client.execute(
            HTTPRequest(url: "http://127.0.0.1:\(healthPort)/healthz", timeout: .seconds(5)))
        #expect(live.status == 200)

        // The three reports are written.
        var rows = 0
        while rows < 3, ContinuousClock.now < deadline {
            let result = try await kubectl.run("get", "policyreport", "-A", "--no-headers")
            rows = result.output.split(separator: "\n").count
            if rows < 3 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(rows == 3)

        let metrics = try await client.execute(
            HTTPRequest(url: "http://127.0.0.1:\(metricsPort)/metrics", timeout: .seconds(5)))
        #expect(metrics.status == 200)
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains(#"vigil_report_writes_total{operation="create"} 3"#), "\(text.prefix(3000))")
        #expect(text.contains(#"vigil_api_requests_total{"#))
        let lint = try await ToolProcess.run("promtool", ["check", "metrics"], input: metrics.body)
        #expect(lint.status == 0, "promtool: \(lint.output)\(lint.error)")

        let prometheus = try PrometheusServer.start(target: "127.0.0.1:\(metricsPort)")
        do {
            let up = try await prometheus.query(client, #"up{job="vigil"}"#) {
                $0.first?[path: "value"]?[1]?.stringValue == "1"
            }
            #expect(up?.first?[path: "value"]?[1]?.stringValue == "1", "log: \(prometheus.tail())")
            // One passing and two failing results of require-labels, from the background scan.
            let query =
                #"sum by (rule_result) (kyverno_policy_results_total{policy_name="require-labels","#
                + #"rule_execution_cause="background_scan"})"#
            let results = try await prometheus.query(client, query) { $0.count == 2 }
            let byResult = Dictionary(
                (results ?? []).compactMap { sample -> (String, String)? in
                    guard let result = sample[path: "metric", "rule_result"]?.stringValue,
                        let value = sample[path: "value"]?[1]?.stringValue
                    else { return nil }
                    return (result, value)
                }
            ) { first, _ in first }
            #expect(byResult == ["pass": "1", "fail": "2"], "log: \(prometheus.tail())")
        } catch {
            await prometheus.stop()
            throw error
        }
        await prometheus.stop()
    }
}
