import Foundation

/// Runs helper processes (test servers, openssl) without blocking the test's task on a pipe or `waitUntilExit`.
enum TestProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a command to completion and throws when it fails.
    static func run(_ executable: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) exited with \(status)")
        }
    }

    /// Waits until a file exists, up to a bound.
    static func waitForFile(_ path: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(description: "\(path) did not appear within \(timeout)")
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "vigil-httpclient-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A server process on 127.0.0.1 started for one test; ``stop()`` terminates it.
// @unchecked Sendable: `process` is fully configured and started before `init`; afterwards only `terminate()`
// and `isRunning` are called, which Foundation's Process synchronises.
final class ServerProcess: @unchecked Sendable {
    let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// Starts a process that writes its port to `portFile` once it listens.
    static func start(_ executable: String, _ arguments: [String], portFile: String) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            let text = try await TestProcess.waitForFile(portFile)
            guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw TestProcess.Failure(description: "bad port file content \(text)")
            }
            return ServerProcess(port: port, process: process)
        } catch {
            process.terminate()
            throw error
        }
    }

    /// Starts the Python fixture server (`Fixtures/test_server.py`).
    static func python(mode: String = "http", extra: [String] = []) async throws -> ServerProcess {
        guard let script = Bundle.module.path(forResource: "test_server", ofType: "py", inDirectory: "Fixtures") else {
            throw TestProcess.Failure(description: "Fixtures/test_server.py is missing from the test bundle")
        }
        let portFile = try TestProcess.temporaryDirectory() + "/port"
        return try await self.start(
            "/usr/bin/env",
            ["python3", script, "--mode", mode, "--port-file", portFile] + extra,
            portFile: portFile
        )
    }

    var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Terminates the server and waits (bounded) until it is gone.
    func stop() async {
        self.process.terminate()
        let deadline = ContinuousClock.now + .seconds(5)
        while self.process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Runs `body` with a started server and always stops the server afterwards.
func withServer<T>(
    _ start: () async throws -> ServerProcess,
    _ body: (ServerProcess) async throws -> T
) async throws -> T {
    let server = try await start()
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
