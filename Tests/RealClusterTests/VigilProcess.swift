import Foundation
import HTTPClient
import JSONValue
import RealClusterSupport
import RegistryTestSupport
import Synchronization

/// `vigil run` as a process outside the cluster: JSON logs to a file, metrics and health on free loopback
/// ports, stopped with SIGTERM.
final class VigilProcess: Sendable {
    static let executable = RealCluster.repository.appendingPathComponent(".build/debug/vigil").path
    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let process: Process
    let log: URL
    let metricsPort: Int
    let healthPort: Int
    private let http: HTTPClient
    private let ended = Mutex<ChildExit.Outcome?>(nil)

    /// Starts `vigil run --kubeconfig KUBECONFIG ARGUMENTS` with `environment` added to this process's.
    init(kubeconfig: String, _ arguments: [String], environment: [String: String] = [:], log: URL) throws {
        metricsPort = try FreePort.reserve()
        healthPort = try FreePort.reserve()
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments =
            [
                "run", "--kubeconfig", kubeconfig, "--log-format", "json",
                "--metrics-address", "127.0.0.1:\(metricsPort)", "--health-address", "127.0.0.1:\(healthPort)",
            ] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        http = try HTTPClient()
    }

    /// The HTTP status of `/readyz` (nil when it does not answer).
    func readyz() async -> Int? {
        try? await http.execute(HTTPRequest(url: "http://127.0.0.1:\(healthPort)/readyz", timeout: .seconds(5)))
            .status
    }

    /// Waits (at most `timeout`) for `/readyz` to answer 200.
    func waitUntilReady(timeout: Duration = .seconds(120)) async throws -> Bool {
        try await eventually(timeout: timeout) { await self.readyz() == 200 }
    }

    /// The `/metrics` text.
    func metrics() async throws -> String {
        let response = try await http.execute(
            HTTPRequest(url: "http://127.0.0.1:\(metricsPort)/metrics", timeout: .seconds(5)))
        return String(decoding: response.body, as: UTF8.self)
    }

    /// The value of the sample `name{labels}` (labels as written, sorted by name), or nil.
    func metric(_ series: String) async throws -> Double? {
        let text = try await metrics()
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1).split(separator: " ").first ?? "")
        }
        return nil
    }

    /// The JSON log lines written so far.
    var logLines: [JSONValue] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
    }

    /// Log lines whose `msg` starts with `prefix`.
    func logLines(startingWith prefix: String) -> [JSONValue] {
        logLines.filter { $0["msg"]?.stringValue?.hasPrefix(prefix) == true }
    }

    /// Whether the process is still running (reaps it when it has ended).
    var isRunning: Bool {
        ended.withLock { ended in
            if ended == nil { ended = ChildExit.poll(process, timeout: 0) }
            return ended == nil
        }
    }

    /// SIGTERM, then waits (at most `grace`) for the exit; SIGKILL after that. Returns whether it exited
    /// by itself with status 0.
    @discardableResult
    func stop(grace: Duration = .seconds(20)) async -> Bool {
        var byItself = true
        if isRunning {
            kill(process.processIdentifier, SIGTERM)
            var outcome = await ChildExit.wait(process, timeout: Double(grace.components.seconds))
            if outcome == nil {
                byItself = false
                kill(process.processIdentifier, SIGKILL)
                outcome = await ChildExit.wait(process, timeout: 30)
            }
            ended.withLock { $0 = outcome }
        }
        await http.shutdown()
        return byItself && ended.withLock { $0 } == .exited(0)
    }
}

/// Polls `condition` every 200 ms until it holds (true) or `timeout` passes (false).
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return try await condition()
}
