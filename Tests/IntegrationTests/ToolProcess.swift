import Foundation

/// Runs external tools (promtool, prometheus, vigil) for the integration tests: output to files, waits on
/// a dedicated thread (never blocking the cooperative pool), bounded waits and SIGTERM-then-SIGKILL teardown.
enum ToolProcess {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var error: String
    }

    /// Whether `name` is an executable on PATH.
    static func isOnPath(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) to completion, feeding `input` on stdin.
    static func run(
        _ executable: String, _ arguments: [String], input: [UInt8]? = nil, timeout: Duration = .seconds(60)
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let inputURL = directory.appendingPathComponent("stdin")
        try Data(input ?? []).write(to: inputURL)
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let stdin = try FileHandle(forReadingFrom: inputURL)
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try FileHandle(forWritingTo: errorURL)
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = error
        try process.run()
        try await waitForExit(process, timeout: timeout)
        try stdin.close()
        try output.close()
        try error.close()
        return Result(
            status: process.terminationStatus,
            output: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
            error: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String
    }

    /// Waits for `process` to exit; after `timeout` sends SIGKILL and throws.
    static func waitForExit(_ process: Process, timeout: Duration) async throws {
        let exited: Bool = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
                while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    continuation.resume(returning: false)
                } else {
                    process.waitUntilExit()
                    continuation.resume(returning: true)
                }
            }
        }
        if !exited {
            throw TimedOut(description: "\(process.executableURL?.path ?? "process") did not exit in \(timeout)")
        }
    }

    /// Stops a long-running process: SIGTERM, then SIGKILL if it has not exited within `grace`.
    static func stop(_ process: Process, grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        process.terminate()
        try? await waitForExit(process, timeout: grace)
    }
}
