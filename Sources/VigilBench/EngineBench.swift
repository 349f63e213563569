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

    /// The in-scope policies of a Kyverno policy library: the pattern set (ClusterPolicy/Policy without
    /// `validate.cel`) and the CEL set (ClusterPolicy/Policy with `validate.cel` rules, ValidatingPolicies).
    struct Corpus {
        var patterns: [CompiledPolicy] = []
        var celRules: [CompiledPolicy] = []
        var validatingPolicies: [CompiledValidatingPolicy] = []
    }

    /// Every policy under `directory` (the Kyverno policy library) that decodes, compiles and runs in
    /// background, once per name, split into the pattern and the CEL set.
    static func corpus(_ directory: String) -> Corpus {
        let files = (FileManager.default.enumerator(atPath: directory)?.allObjects.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var byName: [String: CompiledPolicy] = [:]
        var validating: [String: CompiledValidatingPolicy] = [:]
        for file in files {
            guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8),
                let documents = try? YAML.load(text)
            else { continue }
            for document in documents {
                if PolicyDecoder.isPolicyDocument(document) {
                    guard let policy = try? PolicyDecoder.decode(document), byName[policy.reportName] == nil,
                        let prepared = try? CompiledPolicy(policy), prepared.runsInBackground
                    else { continue }
                    byName[policy.reportName] = prepared
                } else if ValidatingPolicyDecoder.isValidatingPolicyDocument(document) {
                    guard let policy = try? ValidatingPolicyDecoder.decode(document),
                        validating[policy.reportName] == nil, let prepared = try? CompiledValidatingPolicy(policy),
                        prepared.runsInBackground
                    else { continue }
                    validating[policy.reportName] = prepared
                }
            }
        }
        var corpus = Corpus()
        for name in byName.keys.sorted() {
            guard let policy = byName[name] else { continue }
            if policy.policy.spec.rules.contains(where: { $0.validation?.cel != nil }) {
                corpus.celRules.append(policy)
            } else {
                corpus.patterns.append(policy)
            }
        }
        corpus.validatingPolicies = validating.keys.sorted().compactMap { validating[$0] }
        return corpus
    }

    /// Runs `body` on a task and waits for it (the benchmark's `main` is synchronous).
    static func timed(_ body: @escaping @Sendable () async -> Int) -> (results: Int, seconds: Double) {
        let outcome = Mutex<(results: Int, seconds: Double)>((0, 0))
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            let start = ContinuousClock.now
            let results = await body()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            outcome.withLock { $0 = (results, seconds) }
            semaphore.signal()
        }
        semaphore.wait()
        return outcome.withLock { $0 }
    }

    static func main(_ arguments: [String]) -> Int32 {
        let corpus = BenchArguments(arguments).string("--corpus")
        // The resource count comes first: `engine [resources] [--corpus DIR]`.
        let count = arguments.first.flatMap(Int.init) ?? 20_000
        var compiled: [CompiledPolicy] = []
        var cel = Corpus()
        if let corpus {
            let found = Self.corpus(corpus)
            compiled = found.patterns
            cel = found
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
        let (results, seconds) = timed {
            var results = 0
            for resource in resources {
                for evaluation in await set.evaluate(resource, evaluator: evaluator, provider: EmptyContextProvider()) {
                    results += evaluation.results.count
                }
            }
            return results
        }
        let resourcesPerSecond = Double(count) / max(seconds, 1e-9)
        let resultsPerSecond = Double(results) / max(seconds, 1e-9)
        print("pattern set: resources=\(count) rule_results=\(results) seconds=\(String(format: "%.3f", seconds))")
        var summary =
            "policies=\(compiled.count) engine_resources_per_s=\(Int(resourcesPerSecond)) engine_rule_results_per_s=\(Int(resultsPerSecond)) engine_us_per_resource=\(String(format: "%.1f", 1e6 / resourcesPerSecond))"
        let celPolicies = cel.celRules.count + cel.validatingPolicies.count
        if celPolicies > 0 {
            // The CEL set: `validate.cel` rules through the same evaluator, ValidatingPolicies through theirs,
            // over the same resources; the namespace object comes from the (empty) provider.
            let celSet = PolicySet(cel.celRules)
            let validating = cel.validatingPolicies
            let vpolEvaluator = ValidatingPolicyEvaluator()
            let (celResults, celSeconds) = timed {
                var results = 0
                let provider = EmptyContextProvider()
                for resource in resources {
                    for evaluation in await celSet.evaluate(resource, evaluator: evaluator, provider: provider) {
                        results += evaluation.results.count
                    }
                    let attributes = AdmissionAttributes(object: resource)
                    for policy in validating {
                        results += await vpolEvaluator.evaluate(policy, attributes: attributes, provider: provider)
                            .results.count
                    }
                }
                return results
            }
            let celPerSecond = Double(count) / max(celSeconds, 1e-9)
            print(
                "CEL set (\(cel.celRules.count) validate.cel policies, \(validating.count) ValidatingPolicies): resources=\(count) rule_results=\(celResults) seconds=\(String(format: "%.3f", celSeconds))"
            )
            summary +=
                " cel_policies=\(celPolicies) cel_resources_per_s=\(Int(celPerSecond)) cel_rule_results_per_s=\(Int(Double(celResults) / max(celSeconds, 1e-9))) cel_us_per_resource=\(String(format: "%.1f", 1e6 / celPerSecond))"
        }
        print(summary)
        return 0
    }
}
