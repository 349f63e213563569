import Foundation
import Testing

/// Runs the built `vigil` executable as a user would.
struct VersionCommandTests {
    @Test func versionPrintsVersionsOfVigilSwiftAndLibcurl() throws {
        let output = try VigilProcess.run(["version"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("vigil 0."))
        #expect(output.stdout.contains("swift: 6."))
        #expect(output.stdout.contains("libcurl: libcurl/"))
    }

    @Test func helpListsTheVersionSubcommand() throws {
        let output = try VigilProcess.run(["--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("version"))
        #expect(output.stdout.contains("background policy reporter"))
    }

    @Test func unknownSubcommandFails() throws {
        let output = try VigilProcess.run(["no-such-command"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("no-such-command"))
    }
}

/// Locates and runs the `vigil` binary that `swift build` put next to the test bundle.
enum VigilProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executableURL: URL {
        if let path = ProcessInfo.processInfo.environment["VIGIL_BINARY"] { return URL(fileURLWithPath: path) }
        // Tests run from <build>/debug/vigilPackageTests.xctest; the executable sits in <build>/debug.
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("vigil")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/vigil")
    }

    /// Runs vigil with `arguments`; `environment` is added to this process's environment.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self)
        )
    }
}
