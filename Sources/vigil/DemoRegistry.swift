import Foundation
import Logging
import Synchronization

/// The demo's image registry: Debian's `docker-registry` on a free loopback port, started empty, so image
/// references to it resolve to "not found" quickly and honestly; a closed port when it is not installed.
final class DemoRegistry: Sendable {
    /// `host:port` that workloads use in place of `DEMO_REGISTRY`.
    let address: String
    /// One line for the demo's output.
    let summary: String
    /// Whether a registry process answers on ``address``.
    let isRunning: Bool
    private let process: Process?
    private let directory: String?

    private init(address: String, summary: String, process: Process?, directory: String?) {
        self.address = address
        self.summary = summary
        self.isRunning = process != nil
        self.process = process
        self.directory = directory
    }

    /// Starts `docker-registry serve` with storage in a temporary directory, or explains why not.
    static func start(logLevel: Logger.Level) async -> DemoRegistry {
        let closed = "127.0.0.1:1"
        guard let binary = executable("docker-registry") else {
            return DemoRegistry(
                address: closed, summary: "docker-registry is not installed; DEMO_REGISTRY is a closed port",
                process: nil, directory: nil)
        }
        let directory = NSTemporaryDirectory() + "vigil-demo-registry-\(UUID().uuidString)"
        do {
            let port = try freePort()
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let config = """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: \(directory)/data
                http:
                  addr: 127.0.0.1:\(port)
                """
            try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve", directory + "/config.yml"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = logLevel <= .info ? FileHandle.standardError : FileHandle.nullDevice
            try process.run()
            let address = "127.0.0.1:\(port)"
            guard await waitUntilListening(port: port, seconds: 10) else {
                await terminate(process)
                try? FileManager.default.removeItem(atPath: directory)
                return DemoRegistry(
                    address: closed, summary: "docker-registry did not start; DEMO_REGISTRY is a closed port",
                    process: nil, directory: nil)
            }
            return DemoRegistry(
                address: address, summary: "docker-registry (empty) at \(address) is DEMO_REGISTRY",
                process: process, directory: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            return DemoRegistry(
                address: closed, summary: "docker-registry could not start (\(error)); DEMO_REGISTRY is a closed port",
                process: nil, directory: nil)
        }
    }

    /// Stops the registry and removes its storage.
    func stop() async {
        if let process { await Self.terminate(process) }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Sends SIGTERM and waits for the exit without blocking a thread.
    private static func terminate(_ process: Process) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = Mutex(false)
            let resume: @Sendable () -> Void = {
                let first = resumed.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume() }
            }
            process.terminationHandler = { _ in resume() }
            if process.isRunning { process.terminate() } else { resume() }
        }
    }

    private static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A port the kernel considers free right now (bound to port 0, read back, closed).
    private static func freePort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw DemoRegistryError("socket() failed: errno \(errno)") }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, length) }
        }
        guard bound == 0 else { throw DemoRegistryError("bind() failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        guard named == 0 else { throw DemoRegistryError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func waitUntilListening(port: Int, seconds: Int) async -> Bool {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while Date() < deadline {
            let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(socketDescriptor)
            if connected == 0 { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

struct DemoRegistryError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
