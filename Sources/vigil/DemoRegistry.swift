import Foundation
import LocalServices

/// The demo's image registry: Debian's `docker-registry` (``LocalRegistry``) on a free loopback port,
/// started empty, so image references to it resolve to "not found" quickly and honestly; a closed port when
/// it is not installed.
final class DemoRegistry: Sendable {
    /// `host:port` that workloads use in place of `DEMO_REGISTRY`.
    let address: String
    /// One line for the demo's output.
    let summary: String
    /// Whether a registry process answers on ``address``.
    var isRunning: Bool { registry != nil }
    private let registry: LocalRegistry?

    private init(address: String, summary: String, registry: LocalRegistry?) {
        self.address = address
        self.summary = summary
        self.registry = registry
    }

    /// Starts `docker-registry serve` with storage in a temporary directory, or explains why not.
    static func start() async -> DemoRegistry {
        let closed = "127.0.0.1:1"
        guard ToolRunner.which("docker-registry") != nil else {
            return DemoRegistry(
                address: closed, summary: "docker-registry is not installed; DEMO_REGISTRY is a closed port",
                registry: nil)
        }
        // LocalRegistry waits (up to 10 s) for the port to listen; on its own thread, not the pool's.
        let started = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<LocalRegistry, any Error>, Never>) in
            Thread.detachNewThread { continuation.resume(returning: Result { try LocalRegistry() }) }
        }
        switch started {
        case .success(let registry):
            return DemoRegistry(
                address: registry.host, summary: "docker-registry (empty) at \(registry.host) is DEMO_REGISTRY",
                registry: registry)
        case .failure(let error):
            return DemoRegistry(
                address: closed, summary: "docker-registry could not start (\(error)); DEMO_REGISTRY is a closed port",
                registry: nil)
        }
    }

    /// Stops the registry and removes its storage.
    func stop() async {
        registry?.stop()
    }
}
