import Foundation
import HTTPClient
import JSONValue
import RegistryTestSupport

/// A real Prometheus (Debian's `prometheus`) on a free loopback port, scraping one target every second,
/// with its data in a temporary directory; queried through its HTTP API.
struct PrometheusServer {
    let process: Process
    let directory: URL
    let base: String
    let logPath: String
    private let log: FileHandle

    /// Starts Prometheus scraping `http://<target>/metrics` as job `vigil`.
    static func start(target: String) throws -> PrometheusServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vigil-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
            - job_name: vigil
              scrape_interval: 1s
              scrape_timeout: 1s
              static_configs:
              - targets: ['\(target)']
            """
        let configPath = directory.appendingPathComponent("prometheus.yml").path
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        let webPort = try FreePort.reserve()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "prometheus", "--config.file=\(configPath)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(webPort)", "--log.level=warn",
        ]
        let logPath = directory.appendingPathComponent("prometheus.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return PrometheusServer(
            process: process, directory: directory, base: "http://127.0.0.1:\(webPort)", logPath: logPath, log: log)
    }

    /// Runs the PromQL `query` until `accept` holds for `data.result` or 60 s pass; returns the last result.
    func query(
        _ client: HTTPClient, _ query: String, accept: ([JSONValue]) -> Bool
    ) async throws -> [JSONValue]? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let url = "\(base)/api/v1/query?query=\(encoded)"
        let deadline = ContinuousClock.now + .seconds(60)
        var last: [JSONValue]?
        while ContinuousClock.now < deadline {
            if let response = try? await client.execute(HTTPRequest(url: url, timeout: .seconds(5))),
                response.status == 200
            {
                let document = try JSONValue.parse(response.body)
                last = document[path: "data", "result"]?.arrayValue
                if let last, accept(last) { return last }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return last
    }

    /// The end of Prometheus's log, for failure messages.
    func tail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(2000))
    }

    /// SIGTERM, then SIGKILL after a grace period; removes the data directory.
    func stop() async {
        await ToolProcess.stop(process)
        try? log.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
