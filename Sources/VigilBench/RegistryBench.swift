import Failures
import Foundation
import JSONValue
import LocalServices
import OCIRegistry
import PolicyEngine

/// `vigil-bench registry [cold-lookups] [warm-lookups]`: starts Debian's `docker-registry` on 127.0.0.1 with
/// one image pushed by skopeo, then measures image lookups per second with a cold cache (every lookup goes
/// to the registry: manifest and config), with a warm cache, and the time to evaluate 1,000 Pods whose images
/// are on an unreachable registry (connection refused; the circuit breaker answers after a few failures).
enum RegistryBench {
    static func run(_ arguments: [String]) async throws {
        let cold = arguments.first.flatMap(Int.init) ?? 500
        let warm = arguments.dropFirst().first.flatMap(Int.init) ?? 200_000
        guard LocalRegistry.toolsAvailable else {
            FileHandle.standardError.write(Data("\(LocalRegistry.missingToolsMessage)\n".utf8))
            exit(1)
        }
        let registry = try LocalRegistry()
        let layout = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-layout-\(UUID())")
        defer { try? FileManager.default.removeItem(at: layout) }
        try OCILayout.writeSingle(.init(user: "1000"), tag: "1.0", to: layout)
        try registry.push(layout: layout, tag: "1.0", repository: "bench/app")
        let reference = "\(registry.host)/bench/app:1.0"
        let client = try RegistryClient(configuration: .init(insecureRegistries: [registry.host]))

        _ = try await client.lookup(reference: reference)
        let clock = ContinuousClock()
        let coldTime = try await clock.measure {
            for _ in 0..<cold {
                await client.clearCache()
                _ = try await client.lookup(reference: reference)
            }
        }
        let warmTime = try await clock.measure {
            for _ in 0..<warm { _ = try await client.lookup(reference: reference) }
        }
        let coldRate = Double(cold) / coldTime.seconds
        let warmRate = Double(warm) / warmTime.seconds
        print("cold cache: \(cold) lookups in \(format(coldTime.seconds)) s, \(Int(coldRate)) lookups/s")
        print("warm cache: \(warm) lookups in \(format(warmTime.seconds)) s, \(Int(warmRate)) lookups/s")

        let (deadTime, errors, statistics) = try await deadRegistry()
        print(
            "dead registry: 1000 Pods in \(format(deadTime.seconds)) s, \(errors) error results, "
                + "\(statistics.networkLookups) network lookups, \(statistics.count(cache: "breaker")) breaker answers")
        await client.shutdown()
        registry.stop()
        print(
            "cold_lookups_s=\(Int(coldRate)) warm_lookups_s=\(Int(warmRate)) dead_registry_1000_pods_s=\(format(deadTime.seconds)) dead_registry_network_lookups=\(statistics.networkLookups)"
        )
    }

    /// 1,000 Pods, each with its own image on a closed port, through the engine with an `imageRegistry` rule.
    static func deadRegistry() async throws -> (Duration, Int, LookupStatistics) {
        let port = try FreePort.reserve()
        let client = try RegistryClient(configuration: .init(insecureRegistries: ["127.0.0.1:\(port)"]))
        let policy = try CompiledPolicy(
            PolicyDecoder.decode(
                JSONValue.parse(
                    """
                    {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "no-root",
                      "annotations": {"pod-policies.kyverno.io/autogen-controllers": "none"}},
                     "spec": {"rules": [{"name": "check-user", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                       "context": [{"name": "imageData", "imageRegistry": {"reference": "{{ request.object.spec.containers[0].image }}"}}],
                       "validate": {"message": "root", "deny": {"conditions": {"any": [
                         {"key": "{{ imageData.configData.config.User || '' }}", "operator": "AnyIn", "value": ["", "0"]}]}}}}]}}
                    """)))
        let evaluator = PolicyEvaluator(queries: .kyverno())
        let provider = BenchRegistryProvider(client: client)
        var errors = 0
        let time = try await ContinuousClock().measure {
            for index in 0..<1000 {
                let pod = try JSONValue.parse(
                    """
                    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p\(index)", "namespace": "default"},
                     "spec": {"containers": [{"name": "c", "image": "127.0.0.1:\(port)/app-\(index):1.0"}]}}
                    """)
                let evaluation = await evaluator.evaluate(policy, resource: pod, provider: provider)
                errors += evaluation.results.filter { $0.status == .error }.count
            }
        }
        let statistics = client.statistics
        await client.shutdown()
        return (time, errors, statistics)
    }

    static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}

/// The bench's provider: image data from the registry client, nothing else.
struct BenchRegistryProvider: ContextProvider {
    let client: RegistryClient

    func namespaceLabels(namespace: String) async throws -> [String: String] { [:] }
    func configMap(namespace: String, name: String) async throws -> JSONValue { .null }
    func apiCall(_ request: APICallRequest) async throws -> JSONValue { .null }
    func globalReference(name: String) async throws -> JSONValue { .null }

    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        do {
            return try await client.imageData(reference: reference)
        } catch {
            throw ContextProviderError(error.errorClass, error.description)
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
