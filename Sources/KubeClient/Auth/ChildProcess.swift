import Foundation
import JSONValue
import Synchronization

/// Runs a child process to completion on a dedicated thread, so that waiting for it never blocks the
/// cooperative pool. Cancelling the awaiting task terminates the child.
enum ChildProcess {
    struct Result: Sendable {
        var status: Int32
        var standardOutput: [UInt8]
        var standardError: [UInt8]
    }

    /// The largest output kept from each stream; plugin output is a few kilobytes.
    static let maximumOutput = 4 << 20

    static func run(executable: String, arguments: [String], environment: [String: String]) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let box = ProcessBox(process)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                let thread = Thread {
                    do {
                        try box.process.run()
                    } catch {
                        continuation.resume(throwing: error)
                        return
                    }
                    // Drain stderr concurrently so a chatty plugin cannot fill the pipe and stall.
                    let errorData = Mutex<[UInt8]>([])
                    let errorDone = DispatchSemaphore(value: 0)
                    let errorReader = Thread {
                        let data = stderr.fileHandleForReading.readDataToEndOfFile()
                        errorData.withLock { $0 = Array(data.prefix(maximumOutput)) }
                        errorDone.signal()
                    }
                    errorReader.start()
                    let output = stdout.fileHandleForReading.readDataToEndOfFile()
                    box.process.waitUntilExit()
                    errorDone.wait()
                    continuation.resume(
                        returning: Result(
                            status: box.process.terminationStatus,
                            standardOutput: Array(output.prefix(maximumOutput)),
                            standardError: errorData.withLock { $0 }
                        )
                    )
                }
                thread.start()
            }
        } onCancel: {
            // SIGKILL: a child may inherit a blocked SIGTERM from the parent's signal mask.
            if box.process.isRunning { kill(box.process.processIdentifier, SIGKILL) }
        }
    }
}

/// Carries a `Process` to the thread that waits for it.
// @unchecked Sendable: the process is configured before the box is shared; afterwards only its
// thread-safe members (`run` once from the waiting thread, `isRunning`, `terminate`) are used.
private final class ProcessBox: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}
