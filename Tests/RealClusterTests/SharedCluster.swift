import RealClusterSupport
import Testing

/// A suite trait that starts one real control plane for the whole suite (its tests use separate
/// namespaces) and stops it after the last test: `.sharedCluster()`; tests read ``current``.
struct SharedCluster: SuiteTrait, TestScoping {
    var controllerManager = false
    var apiServerArguments: [String] = []

    /// The cluster of the running suite.
    @TaskLocal static var current: RealCluster?

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await RealCluster.with(controllerManager: controllerManager, apiServerArguments: apiServerArguments) {
            cluster in
            try await Self.$current.withValue(cluster) { try await function() }
        }
    }
}

extension Trait where Self == SharedCluster {
    /// One real control plane for the suite (`controllerManager`: with kube-controller-manager).
    static func sharedCluster(controllerManager: Bool = false, apiServerArguments: [String] = []) -> Self {
        SharedCluster(controllerManager: controllerManager, apiServerArguments: apiServerArguments)
    }
}
