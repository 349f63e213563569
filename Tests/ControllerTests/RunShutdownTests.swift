import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import RegistryTestSupport
import Testing

/// `vigil run` as a process against the local API server, stopped by SIGTERM at many points of a scan and
/// a resync: it exits 0 within the grace period (plus the time to stop), a second signal cancels at once,
/// and after a restart the reports equal the offline engine's.
@Suite(
    "vigil run shutdown", .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: VigilRun.executable), "needs a built .build/debug/vigil"))
struct RunShutdownTests {
    /// Where SIGTERM arrives.
    enum Point: Sendable, CustomTestStringConvertible {
        /// `delay` after start, while the first scan lists (two pages of Pods) and writes, requests slowed.
        case scan(milliseconds: Int)
        /// `delay` after start with resyncs every second, so during a resync.
        case resync(milliseconds: Int)
        /// While requests fail at random and keys wait in backoff.
        case backoff(milliseconds: Int)
        /// While an evaluation waits on a registry that accepts connections and never answers.
        case registryLookup

        var testDescription: String {
            switch self {
            case .scan(let delay): "scan +\(delay)ms"
            case .resync(let delay): "resync +\(delay)ms"
            case .backoff(let delay): "backoff +\(delay)ms"
            case .registryLookup: "hanging registry lookup"
            }
        }
    }

    static let gracePeriod = 3
    /// The bound on exiting after SIGTERM: the grace period, then cancellation and teardown.
    static let exitBound = Duration.seconds(gracePeriod + 10)

    static let points: [Point] =
        [0, 40, 120, 250, 500, 900, 1500].map { Point.scan(milliseconds: $0) }
        + [1000, 1250, 1500, 2000].map { Point.resync(milliseconds: $0) }
        + [150, 600].map { Point.backoff(milliseconds: $0) } + [.registryLookup]

    /// A ClusterPolicy that looks up the image of Pods labelled `registry-check: "true"`.
    static func registryPolicy() -> JSONValue {
        [
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
            "metadata": ["name": "no-root", "annotations": ["pod-policies.kyverno.io/autogen-controllers": "none"]],
            "spec": [
                "background": true,
                "rules": [
                    [
                        "name": "check-user",
                        "match": [
                            "any": [
                                [
                                    "resources": [
                                        "kinds": ["Pod"], "selector": ["matchLabels": ["registry-check": "true"]],
                                    ]
                                ]
                            ]
                        ],
                        "context": [
                            [
                                "name": "imageData",
                                "imageRegistry": ["reference": "{{ request.object.spec.containers[0].image }}"],
                            ]
                        ],
                        "validate": [
                            "message": "{{ imageData.resolvedImage }} runs as root",
                            "deny": [
                                "conditions": [
                                    "any": [
                                        [
                                            "key": "{{ imageData.configData.config.User || '' }}", "operator": "AnyIn",
                                            "value": ["", "0", "root"],
                                        ]
                                    ]
                                ]
                            ],
                        ],
                    ]
                ],
            ],
        ]
    }

    /// A Pod whose image is on the registry at `registryPort`, checked by ``registryPolicy()``.
    static func lookupPod(registryPort: Int) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": "lookup", "namespace": "team-a",
                "labels": ["app.kubernetes.io/name": "lookup", "registry-check": "true"],
            ],
            "spec": ["containers": [["name": "app", "image": .string("127.0.0.1:\(registryPort)/app:1.0")]]],
        ]
    }

    @Test(arguments: points)
    func sigtermExitsWithinTheGracePeriodAndARestartConverges(_ point: Point) async throws {
        guard ControllerHarness.requireSharedData() else { return }
        let registry = try FreePort.SilentListener()
        try await ControllerHarness.with { harness in
            try ReportsControllerTests.applyPolicies(harness)
            try ReportsControllerTests.populate(harness, pods: 260)  // 520 Pods: two list pages
            var arguments = ["--shutdown-grace-period", "\(Self.gracePeriod)s"]
            var excluded: Set<String> = []
            let delay: Int
            switch point {
            case .scan(let milliseconds):
                harness.server.faults.setLatency(.milliseconds(2))
                delay = milliseconds
            case .resync(let milliseconds):
                arguments += ["--background-scan-interval", "1s"]
                delay = milliseconds
            case .backoff(let milliseconds):
                harness.server.faults.failFraction(0.3, with: .init(status: 500))
                delay = milliseconds
            case .registryLookup:
                try harness.apply(Self.registryPolicy())
                try harness.apply(Self.lookupPod(registryPort: registry.port))
                let uid = try await harness.client.get(ControllerHarness.pods, namespace: "team-a", name: "lookup")[
                    path: "metadata", "uid"]?.stringValue
                excluded.insert(try #require(uid))
                arguments += ["--insecure-registry", "127.0.0.1:\(registry.port)", "--workers", "1"]
                delay = 1500
            }
            let first = try VigilRun(kubeconfig: harness.kubeconfig, arguments: arguments)
            defer { first.kill() }
            #expect(try await first.waitForLog("starting"), "vigil run did not start: \(first.log)")
            try await Task.sleep(for: .milliseconds(delay))
            first.signal(SIGTERM)
            let exited = await first.waitForExit(within: Self.exitBound)
            #expect(exited, "vigil run did not exit within \(Self.exitBound) of SIGTERM (\(point)): \(first.log)")
            guard exited else { return }
            #expect(first.exitedNormally && first.status == 0, "exit status \(first.status ?? -1): \(first.log)")
            #expect(!first.log.contains("CONTINUATION MISUSE"), "\(first.log)")

            // A restart (the registry refuses quickly now) converges to the offline engine.
            harness.server.faults.reset()
            let second = try VigilRun(
                kubeconfig: harness.kubeconfig, arguments: arguments + ["--registry-timeout", "1"])
            defer { second.kill() }
            let (reports, oracle) = try await Self.converge(harness, excluding: excluded)
            #expect(!oracle.isEmpty)
            #expect(reports == oracle, "reports differ from the offline engine after a restart (\(point))")
            second.signal(SIGTERM)
            #expect(await second.waitForExit(within: Self.exitBound))
            #expect(second.exitedNormally && second.status == 0, "exit status \(second.status ?? -1): \(second.log)")
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSecondSignalCancelsAtOnce(_ second: Int32) async throws {
        guard ControllerHarness.requireSharedData() else { return }
        let registry = try FreePort.SilentListener()
        try await ControllerHarness.with { harness in
            try ReportsControllerTests.applyPolicies(harness)
            try ReportsControllerTests.populate(harness, pods: 4)
            try harness.apply(Self.registryPolicy())
            try harness.apply(Self.lookupPod(registryPort: registry.port))
            // The lookup would hang for 10 minutes and the drain for 10 more: only the second signal ends it.
            let run = try VigilRun(
                kubeconfig: harness.kubeconfig,
                arguments: [
                    "--shutdown-grace-period", "10m", "--registry-timeout", "600", "--insecure-registry",
                    "127.0.0.1:\(registry.port)",
                ])
            defer { run.kill() }
            #expect(try await run.waitForLog("starting"))
            try await Task.sleep(for: .milliseconds(1500))
            run.signal(SIGTERM)
            #expect(try await run.waitForLog("signal received"))
            #expect(!(await run.waitForExit(within: .milliseconds(500))), "the drain ended without the second signal")
            run.signal(second)
            let exited = await run.waitForExit(within: .seconds(10))
            #expect(exited, "a second signal did not end vigil run: \(run.log)")
            guard exited else { return }
            #expect(run.exitedNormally && run.status == 0, "exit status \(run.status ?? -1): \(run.log)")
        }
    }

    /// Polls until the reports equal the oracle, both without `excluded` UIDs, or a generous limit passes.
    static func converge(_ harness: ControllerHarness, excluding excluded: Set<String>) async throws -> (
        reports: [String: [String]], oracle: [String: [String]]
    ) {
        let deadline = ContinuousClock.now + .seconds(90)
        while true {
            let oracle = try await harness.oracle().filter { !excluded.contains($0.key) }
            let reports = try await harness.reports().filter { !excluded.contains($0.key) }
            if reports == oracle || ContinuousClock.now > deadline { return (reports, oracle) }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// One `vigil run` process: JSON logs to a file, signals, bounded waits that never block the cooperative pool.
final class VigilRun: Sendable {
    static let executable = ControllerHarness.repository.appendingPathComponent(".build/debug/vigil").path

    let process: Process
    let logURL: URL

    init(kubeconfig: String, arguments: [String]) throws {
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-run-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments =
            [
                "run", "--kubeconfig", kubeconfig, "--no-leader-elect", "--log-format", "json", "--metrics-address",
                "127.0.0.1:0", "--health-address", "127.0.0.1:0",
            ] + arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VIGIL_") }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: logURL) }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
    /// The exit status; `nil` while running.
    var status: Int32? { process.isRunning ? nil : process.terminationStatus }
    var exitedNormally: Bool { !process.isRunning && process.terminationReason == .exit }

    func signal(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }

    /// Whether the log contains `text` within 30 seconds.
    func waitForLog(_ text: String) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if log.contains(text) { return true }
            if !process.isRunning { return log.contains(text) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Whether the process exits within `limit`.
    func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// SIGKILL if still running (test teardown).
    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
