import Foundation
import JSONValue
import PolicyEngine
import Synchronization
import YAML

/// `vigil-bench engine [resources] [--corpus DIR]`: evaluates the in-scope policies of a Kyverno policy
/// library (or, without `--corpus`, a built-in set of typical background-scan policies) against generated
/// Pods and Deployments (half each), compiled once, and prints throughput.
enum EngineBench {
    static let policies = [
        """
        {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "disallow-latest-tag"},
         "spec": {"rules": [
           {"name": "require-image-tag", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "validate": {"message": "An image tag is required.", "pattern": {"spec": {"containers": [{"image": "*:*"}]}}}},
           {"name": "validate-image-tag", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "validate": {"message": "Using a mutable image tag e.g. 'latest' is not allowed.",
                         "pattern": {"spec": {"containers": [{"image": "!*:latest"}]}}}}]}}
        """,
        """
        {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "disallow-privileged"},
         "spec": {"rules": [{"name": "privileged-containers", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
           "validate": {"message": "Privileged mode is disallowed.",
             "pattern": {"spec": {"=(ephemeralContainers)": [{"=(securityContext)": {"=(privileged)": "false"}}],
                                  "=(initContainers)": [{"=(securityContext)": {"=(privileged)": "false"}}],
                                  "containers": [{"=(securityContext)": {"=(privileged)": "false"}}]}}}}]}}
        """,
        """
        {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "require-labels"},
         "spec": {"rules": [{"name": "check-for-labels", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
           "validate": {"message": "The label `app.kubernetes.io/name` is required.",
                        "pattern": {"metadata": {"labels": {"app.kubernetes.io/name": "?*"}}}}}]}}
        """,
        """
        {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "restrict-registries"},
         "spec": {"rules": [{"name": "allowed-registries", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
           "preconditions": {"all": [{"key": "{{ request.operation || 'BACKGROUND' }}", "operator": "NotEquals", "value": "DELETE"}]},
           "validate": {"message": "image {{ element.image }} comes from a registry that is not allowed",
             "foreach": [{"list": "request.object.spec.containers",
               "deny": {"conditions": {"all": [{"key": "{{ images.containers.\\"{{ element.name }}\\".registry }}",
                                                "operator": "AnyNotIn", "value": ["ghcr.io", "registry.k8s.io"]}]}}}]}}]}}
        """,
    ]

    static func resource(_ index: Int) -> JSONValue {
        let image = index % 3 == 0 ? "nginx:latest" : "ghcr.io/org/app-\(index % 17):1.\(index % 5)"
        let podSpec = """
            {"containers": [{"name": "app", "image": "\(image)", "securityContext": {"privileged": false}},
                            {"name": "sidecar", "image": "registry.k8s.io/pause:3.9"}]}
            """
        let text: String
        if index % 2 == 0 {
            text = """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod-\(index)", "namespace": "ns-\(index % 20)",
                 "labels": {"app.kubernetes.io/name": "app-\(index % 17)"}}, "spec": \(podSpec)}
                """
        } else {
            text = """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "deploy-\(index)", "namespace": "ns-\(index % 20)"},
                 "spec": {"template": {"metadata": {"labels": {"app": "x"}}, "spec": \(podSpec)}}}
                """
        }
        return (try? JSONValue.parse(text)) ?? .null
    }

    /// Every policy under `directory` (the Kyverno policy library) that decodes, compiles and runs in
    /// background, once per name: the in-scope corpus.
    static func corpusPolicies(_ directory: String) -> [CompiledPolicy] {
        let files = (FileManager.default.enumerator(atPath: directory)?.allObjects.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var byName: [String: CompiledPolicy] = [:]
        for file in files {
            guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8),
                let documents = try? YAML.load(text)
            else { continue }
            for document in documents where PolicyDecoder.isPolicyDocument(document) {
                guard let policy = try? PolicyDecoder.decode(document), byName[policy.reportName] == nil,
                    let prepared = try? CompiledPolicy(policy), prepared.runsInBackground
                else { continue }
                byName[policy.reportName] = prepared
            }
        }
        return byName.keys.sorted().compactMap { byName[$0] }
    }

    static func main(_ arguments: [String]) -> Int32 {
        let corpus = BenchArguments(arguments).string("--corpus")
        // The resource count comes first: `engine [resources] [--corpus DIR]`.
        let count = arguments.first.flatMap(Int.init) ?? 20_000
        var compiled: [CompiledPolicy] = []
        if let corpus {
            compiled = corpusPolicies(corpus)
            guard !compiled.isEmpty else {
                FileHandle.standardError.write(Data("no background policies under \(corpus)\n".utf8))
                return 1
            }
        } else {
            for text in policies {
                guard let document = try? JSONValue.parse(text), let policy = try? PolicyDecoder.decode(document),
                    let prepared = try? CompiledPolicy(policy)
                else {
                    FileHandle.standardError.write(Data("benchmark policy does not decode\n".utf8))
                    return 1
                }
                compiled.append(prepared)
            }
        }
        print("policies=\(compiled.count)")
        let set = PolicySet(compiled)
        let evaluator = PolicyEvaluator(queries: .kyverno())
        let resources = (0..<count).map(resource)
        let outcome = Mutex<(results: Int, seconds: Double)>((0, 0))
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            let start = ContinuousClock.now
            var results = 0
            for resource in resources {
                for evaluation in await set.evaluate(resource, evaluator: evaluator, provider: EmptyContextProvider()) {
                    results += evaluation.results.count
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            outcome.withLock { $0 = (results, seconds) }
            semaphore.signal()
        }
        semaphore.wait()
        let (results, seconds) = outcome.withLock { $0 }
        let resourcesPerSecond = Double(count) / max(seconds, 1e-9)
        let resultsPerSecond = Double(results) / max(seconds, 1e-9)
        print("resources=\(count) rule_results=\(results) seconds=\(String(format: "%.3f", seconds))")
        print(
            "policies=\(compiled.count) engine_resources_per_s=\(Int(resourcesPerSecond)) engine_rule_results_per_s=\(Int(resultsPerSecond)) engine_us_per_resource=\(String(format: "%.1f", 1e6 / resourcesPerSecond))"
        )
        return 0
    }
}
