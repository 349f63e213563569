import Foundation
import LocalAPIServer

/// Runs the real `kubectl` (from PATH) against a local API server, with a fresh cache directory.
struct Kubectl: Sendable {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var error: String
    }

    let kubeconfig: String
    let cacheDirectory: String

    /// A kubectl for `server`: writes its kubeconfig into a new temporary directory.
    static func make(for server: LocalAPIServer) throws -> (Kubectl, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vigil-kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let kubeconfig = directory.appendingPathComponent("kubeconfig").path
        try server.writeKubeconfig(to: kubeconfig)
        return (
            Kubectl(kubeconfig: kubeconfig, cacheDirectory: directory.appendingPathComponent("cache").path), directory
        )
    }

    /// Whether `kubectl` is on PATH.
    static var isAvailable: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/kubectl")
        }
    }

    func process(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", cacheDirectory] + arguments
        return process
    }

    /// Runs kubectl to completion.
    func run(_ arguments: String...) async throws -> Result {
        try await run(arguments)
    }

    func run(_ arguments: [String]) async throws -> Result {
        let process = process(arguments)
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let outputData = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let errorData = Task.detached { error.fileHandleForReading.readDataToEndOfFile() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Result(
            status: process.terminationStatus, output: String(decoding: await outputData.value, as: UTF8.self),
            error: String(decoding: await errorData.value, as: UTF8.self))
    }

    /// Starts a long-running kubectl (such as `get -w`) whose output lines arrive on a stream.
    func start(_ arguments: String...) throws -> (Process, AsyncStream<String>) {
        let process = process(arguments)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let (lines, continuation) = AsyncStream<String>.makeStream()
        let handle = output.fileHandleForReading
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            continuation.finish()
        }
        try process.run()
        return (process, lines)
    }
}

/// Paths of the repository and of the shared test data.
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let projectCRDs = repository.appendingPathComponent("manifests/crds").path
    static let sharedCRDs = repository.appendingPathComponent(
        "../shared/testdata/crds/kyverno/config/crds/policyreport"
    )
    .standardized.path
}
