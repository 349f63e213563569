import ArgumentParser
import CCurl
import Foundation

/// Build and runtime versions shown by `vigil version`.
enum VersionInfo {
    /// Vigil's own version (semantic versioning; see CHANGELOG.md).
    static let version = "0.1.0-dev"

    /// The Swift compiler that built this binary.
    static var swiftVersion: String {
        #if compiler(>=6.4)
            return ">= 6.4"
        #elseif compiler(>=6.3)
            return "6.3"
        #elseif compiler(>=6.2)
            return "6.2"
        #else
            return "< 6.2"
        #endif
    }

    /// The libcurl this binary runs against, for example "libcurl/7.88.1 OpenSSL/3.0.15 ...".
    static var curlVersion: String {
        String(cString: ccurl_version())
    }

    /// The git commit Vigil was built from: `VIGIL_GIT_COMMIT` when the build set it, otherwise the commit
    /// of the checkout that holds the executable (a development build), otherwise `nil`.
    static var gitCommit: String? {
        if let commit = ProcessInfo.processInfo.environment["VIGIL_GIT_COMMIT"], !commit.isEmpty {
            return commit
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "-C", executable.deletingLastPathComponent().path, "rev-parse", "--short=12", "HEAD",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let commit = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.isEmpty ? nil : commit
    }
}

/// `vigil version`: prints Vigil's version, the git commit, and the Swift and libcurl versions.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version of Vigil, its git commit, and the Swift and libcurl versions."
    )

    func run() throws {
        print("vigil \(VersionInfo.version)")
        print("commit: \(VersionInfo.gitCommit ?? "unknown")")
        print("swift: \(VersionInfo.swiftVersion)")
        print("libcurl: \(VersionInfo.curlVersion)")
    }
}
