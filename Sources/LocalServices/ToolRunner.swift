import Foundation

/// A tool that is missing, failed or did not start, with its output.
public struct ToolError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

/// Runs command-line tools for the demo, the benchmarks and the tests.
public enum ToolRunner {
    public static func which(_ tool: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a tool to completion; throws with its output when it fails.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws -> String {
        String(decoding: try runData(tool, arguments, input: input), as: UTF8.self)
    }

    /// Runs a tool to completion and returns its standard output bytes; throws with its output when it fails.
    public static func runData(_ tool: String, _ arguments: [String], input: String? = nil) throws -> Data {
        guard let path = which(tool) else { throw ToolError(message: "\(tool) not found on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(
                message:
                    "\(tool) \(arguments.joined(separator: " ")) failed: \(errorText)\(String(decoding: data, as: UTF8.self))"
            )
        }
        return data
    }

    /// Starts a long-running tool under a watchdog shell that stops it when this process exits.
    public static func startWatched(_ tool: String, _ arguments: [String], log: URL) throws -> Process {
        guard let path = which(tool) else { throw ToolError(message: "\(tool) not found on PATH") }
        let parent = ProcessInfo.processInfo.processIdentifier
        let quoted = ([path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let script = """
            \(quoted.joined(separator: " ")) >'\(log.path)' 2>&1 &
            child=$!
            trap 'kill $child 2>/dev/null; exit 0' TERM INT EXIT
            while kill -0 \(parent) 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
