import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTPClient tests' loopback server (`Tests/HTTPClientTests/Fixtures/test_server.py`), run as a real
/// process on 127.0.0.1 for the libcurl transport tests.
final class LoopbackServer: Sendable {
    let process: Process
    /// The server's standard input: it exits when this pipe closes, so it never outlives the tests.
    let stdin: Pipe
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    private init(process: Process, stdin: Pipe, port: Int) {
        self.process = process
        self.stdin = stdin
        self.port = port
    }

    static let script: String = {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return tests.appendingPathComponent("HTTPClientTests/Fixtures/test_server.py").path
    }()

    /// `Tests/KubeClientTests/Fixtures/bad_apiserver.py`: a misbehaving API server.
    static let badAPIServerScript: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/bad_apiserver.py").path
    }()

    /// Starts `script` (the HTTPClient tests' server by default) and waits for its port file.
    static func start(script: String = LoopbackServer.script) async throws -> LoopbackServer {
        let directory = try Fixtures.temporaryDirectory()
        let portFile = directory + "/port"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--port-file", portFile]
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        for _ in 0..<400 {
            if let data = FileManager.default.contents(atPath: portFile),
                let port = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            {
                Fixtures.remove(directory)
                return LoopbackServer(process: process, stdin: stdin, port: port)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw CocoaError(.fileReadNoSuchFile)
    }

    /// Kills the server. SIGKILL, because the test runner's blocked signal mask is inherited by the child
    /// and a SIGTERM may never be delivered.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
