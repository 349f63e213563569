import Controller
import ExternalData
import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Logging
import PolicyEngine
import PolicyReports
import Testing
import YAML

/// A local API server with the report and Kyverno CRDs, a client, and the offline oracle.
struct ControllerHarness {
    let server: LocalAPIServer
    let client: KubeClient
    /// A kubeconfig for the server (bearer token), valid while the body of ``with(maxBodyBytes:_:)`` runs.
    let kubeconfig: String
    /// The client settings every controller of the harness uses (from ``kubeconfig``).
    let clientConfiguration: ClientConfiguration

    /// Fast retries for tests.
    static let retryPolicy = RetryPolicy(
        maximumRetries: 3, backoff: ExponentialBackoff(initial: .milliseconds(5), maximum: .milliseconds(50)),
        maximumRetryAfter: .milliseconds(200))

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let shared = repository.appendingPathComponent("../shared").standardized.path
    static let policyCorpus = shared + "/testdata/kyverno/policies"
    static let kyvernoCRDs = shared + "/testdata/crds/kyverno/config/crds/kyverno"
    static let celPolicyCRDs = shared + "/testdata/crds/kyverno/config/crds/policies.kyverno.io"

    static let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")
    static let deployments = GroupVersionResource(group: "apps", version: "v1", resource: "deployments")
    static let namespaces = GroupVersionResource(group: "", version: "v1", resource: "namespaces")
    static let clusterPolicies = GroupVersionResource(group: "kyverno.io", version: "v1", resource: "clusterpolicies")
    static let validatingPolicies = GroupVersionResource(
        group: "policies.kyverno.io", version: "v1", resource: "validatingpolicies")
    static let namespacedValidatingPolicies = GroupVersionResource(
        group: "policies.kyverno.io", version: "v1", resource: "namespacedvalidatingpolicies")
    static let policyExceptions = GroupVersionResource(group: "kyverno.io", version: "v2", resource: "policyexceptions")
    static let celPolicyExceptions = GroupVersionResource(
        group: "policies.kyverno.io", version: "v1", resource: "policyexceptions")
    static let policyReports = GroupVersionResource(
        group: "wgpolicyk8s.io", version: "v1alpha2", resource: "policyreports")
    static let clusterPolicyReports = GroupVersionResource(
        group: "wgpolicyk8s.io", version: "v1alpha2", resource: "clusterpolicyreports")

    /// The in-scope corpus policies the tests use: validate rules on Pods (autogen covers Deployments).
    static let policyFiles = [
        "best-practices/require-labels/require-labels.yaml",
        "best-practices/require-pod-requests-limits/require-pod-requests-limits.yaml",
        "best-practices/require-probes/require-probes.yaml",
        "pod-security/baseline/disallow-privileged-containers/disallow-privileged-containers.yaml",
        "pod-security/baseline/disallow-host-namespaces/disallow-host-namespaces.yaml",
        "pod-security/restricted/require-run-as-nonroot/require-run-as-nonroot.yaml",
    ]

    /// Whether the shared test data is present; tests record an issue naming the path when it is not.
    static func requireSharedData() -> Bool {
        guard FileManager.default.fileExists(atPath: policyCorpus), FileManager.default.fileExists(atPath: kyvernoCRDs)
        else {
            Issue.record("shared test data missing at \(shared): controller tests need the Kyverno policies and CRDs")
            return false
        }
        return true
    }

    static func corpusPolicy(_ file: String) throws -> JSONValue {
        let text = try String(contentsOfFile: policyCorpus + "/" + file, encoding: .utf8)
        guard let document = try YAML.load(text).first(where: { PolicyDecoder.isPolicyDocument($0) }) else {
            throw HarnessError("no policy in \(file)")
        }
        return document
    }

    /// Runs `body` with a started server (request bodies over `maxBodyBytes` get 413) and a client; the
    /// server serves the policies.kyverno.io kinds when `celPolicies` is set.
    static func with(
        maxBodyBytes: Int = 3 * 1024 * 1024, celPolicies: Bool = false, _ body: (ControllerHarness) async throws -> Void
    ) async throws {
        var serverLogger = Logger(label: "vigil.api-server.test")
        serverLogger.logLevel = .error
        let server = try LocalAPIServer(
            configuration: .init(port: 0, tokens: ["vigil-token"], maxBodyBytes: maxBodyBytes), logger: serverLogger)
        try await server.start()
        _ = try server.load(
            paths: [repository.appendingPathComponent("manifests/crds").path, kyvernoCRDs]
                + (celPolicies ? [celPolicyCRDs] : []))
        let directory = NSTemporaryDirectory() + "vigil-controller-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try server.writeKubeconfig(to: directory + "/kubeconfig", token: "vigil-token")
        var configuration = try ClientConfiguration.load(kubeconfig: directory + "/kubeconfig", environment: [:])
        configuration.qps = 2000
        configuration.burst = 2000
        let transport = try CurlKubeTransport(configuration: configuration)
        let client = KubeClient(configuration: configuration, transport: transport, retryPolicy: Self.retryPolicy)
        let harness = ControllerHarness(
            server: server, client: client, kubeconfig: directory + "/kubeconfig", clientConfiguration: configuration)
        do {
            try await body(harness)
        } catch {
            await transport.shutdown()
            await server.stop()
            throw error
        }
        await transport.shutdown()
        await server.stop()
    }

    /// Controller settings for tests: fast backoffs, short watches.
    static func configuration(workers: Int = 2) -> ReportsController.Configuration {
        ReportsController.Configuration(
            workers: workers, pageSize: 50, queueCapacity: 100,
            retryBackoff: ExponentialBackoff(initial: .milliseconds(5), maximum: .milliseconds(100)),
            informerBackoff: ExponentialBackoff(initial: .milliseconds(5), maximum: .milliseconds(100)),
            minimumWatchTimeout: .seconds(5))
    }

    /// Starts a controller as `vigil run` assembles one (its own client and transport, run in a
    /// `ServiceGroup`); the task ends when it stops, after its clients have shut down.
    func start(
        _ configuration: ReportsController.Configuration = Self.configuration(), services: ServiceCallClient? = nil
    ) throws -> (
        ReportsController, Task<Void, any Error>
    ) {
        var logger = Logger(label: "vigil.controller.test")
        logger.logLevel = .error
        let assembly = try ControllerAssembly(
            clientConfiguration: clientConfiguration, configuration: configuration, serviceCalls: services,
            retryPolicy: Self.retryPolicy, logger: logger)
        let task = Task { try await assembly.run(logger: logger) }
        return (assembly.controller, task)
    }

    func apply(_ object: JSONValue) throws { try server.apply(object) }

    // MARK: - Workloads

    static func namespace(_ name: String, labels: JSONValue = [:]) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name), "labels": labels]]
    }

    /// A Pod that passes or fails the test policies depending on its settings.
    static func pod(
        _ name: String, namespace: String, labelled: Bool, limits: Bool, probes: Bool, privileged: Bool = false,
        nonRoot: Bool = false
    ) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Pod", "metadata": podMetadata(name, namespace, labelled),
            "spec": podSpec(limits, probes, privileged, nonRoot),
        ]
    }

    static func deployment(_ name: String, namespace: String, labelled: Bool, limits: Bool) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": [
                "replicas": 1, "selector": ["matchLabels": ["app": .string(name)]],
                "template": [
                    "metadata": labelled
                        ? ["labels": ["app": .string(name), "app.kubernetes.io/name": .string(name)]]
                        : ["labels": ["app": .string(name)]],
                    "spec": podSpec(limits, true, false, false),
                ],
            ],
        ]
    }

    private static func podMetadata(_ name: String, _ namespace: String, _ labelled: Bool) -> JSONValue {
        var metadata: JSONObject = ["name": .string(name), "namespace": .string(namespace)]
        if labelled { metadata["labels"] = ["app.kubernetes.io/name": .string(name)] }
        return .object(metadata)
    }

    private static func podSpec(_ limits: Bool, _ probes: Bool, _ privileged: Bool, _ nonRoot: Bool) -> JSONValue {
        var container: JSONObject = ["name": "app", "image": "registry.example/app:1.0"]
        if limits {
            container["resources"] = ["requests": ["memory": "64Mi", "cpu": "100m"], "limits": ["memory": "128Mi"]]
        }
        if probes {
            container["livenessProbe"] = ["httpGet": ["path": "/", "port": 8080]]
            container["readinessProbe"] = ["httpGet": ["path": "/", "port": 8080]]
        }
        if privileged { container["securityContext"] = ["privileged": true] }
        var spec: JSONObject = ["containers": [.object(container)]]
        if nonRoot { spec["securityContext"] = ["runAsNonRoot": true] }
        return .object(spec)
    }

    // MARK: - Reading reports and the oracle

    /// Every report in the cluster as `uid → sorted result lines`; also checks names are UIDs.
    func reports(detailed: Bool = false) async throws -> [String: [String]] {
        try await Self.reports(client, detailed: detailed)
    }

    /// Every report in the cluster `client` talks to, as ``reports()``.
    /// - Parameter detailed: lines name the source and the properties too (``line(_:detailed:)``).
    static func reports(_ client: KubeClient, detailed: Bool = false) async throws -> [String: [String]] {
        var reports: [String: [String]] = [:]
        for resource in [Self.policyReports, Self.clusterPolicyReports] {
            for document in try await client.listAll(resource).items {
                guard let report = PolicyReport(document: document) else {
                    Issue.record("unreadable report \(document)")
                    continue
                }
                #expect(document[path: "metadata", "name"]?.stringValue == report.subject.uid)
                #expect(reports[report.subject.uid] == nil, "two reports for \(report.subject.uid)")
                reports[report.subject.uid] = report.results.map { Self.line($0, detailed: detailed) }
            }
        }
        return reports
    }

    /// `policy rule result message`; `detailed` puts the source first and appends the sorted properties.
    static func line(_ result: ReportResult, detailed: Bool = false) -> String {
        let line = "\(result.policy) \(result.rule) \(result.result.rawValue) \(result.message)"
        guard detailed else { return line }
        let properties = result.properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "\(result.source) " + line + (properties.isEmpty ? "" : " " + properties.joined(separator: ","))
    }

    /// What the engine computes offline for the cluster's current policies and workloads, as `vigil apply`
    /// does: `uid → sorted result lines`, resources without results left out.
    func oracle(celPolicies: Bool = false, exceptions: PolicyExceptionSettings? = nil) async throws -> [String:
        [String]]
    {
        try await Self.oracle(client, celPolicies: celPolicies, exceptions: exceptions)
    }

    /// The offline engine's reports for the cluster `client` talks to, as ``oracle()``; ValidatingPolicies,
    /// NamespacedValidatingPolicies and CEL PolicyExceptions too when `celPolicies` is set (the server
    /// serves them), evaluated as `vigil apply` does with the cluster's Namespace objects.
    /// - Parameter exceptionSettings: when set, the cluster's kyverno.io PolicyExceptions these settings
    ///   allow apply, as `vigil apply --exceptions` applies the files it is given.
    static func oracle(
        _ client: KubeClient, celPolicies: Bool = false, exceptions exceptionSettings: PolicyExceptionSettings? = nil
    ) async throws -> [String: [String]] {
        var legacyExceptions: [PolicyException] = []
        if let exceptionSettings {
            let documents = try await client.listAll(Self.policyExceptions).items.filter {
                exceptionSettings.appliesLegacy(namespace: $0[path: "metadata", "namespace"]?.stringValue ?? "")
            }
            legacyExceptions = try documents.map { try PolicyException(decoding: $0) }.sorted {
                [$0.namespace ?? "", $0.name].lexicographicallyPrecedes([$1.namespace ?? "", $1.name])
            }
        }
        var compiled: [CompiledPolicy] = []
        for document in try await client.listAll(Self.clusterPolicies).items {
            var document = document
            if document["kind"] == nil { document["kind"] = "ClusterPolicy" }
            let policy = try PolicyDecoder.decode(document)
            guard policy.labels["reports.kyverno.io/disabled"] == nil else { continue }
            let candidate = try CompiledPolicy(policy)
            if candidate.runsInBackground { compiled.append(candidate) }
        }
        var validating: [CompiledValidatingPolicy] = []
        var exceptions: [CompiledCELPolicyException] = []
        if celPolicies {
            for (resource, kind) in [
                (Self.validatingPolicies, "ValidatingPolicy"),
                (Self.namespacedValidatingPolicies, "NamespacedValidatingPolicy"),
            ] {
                for var document in try await client.listAll(resource).items {
                    document["kind"] = .string(kind)
                    document["apiVersion"] = "policies.kyverno.io/v1"
                    // One that does not compile is left out (`vigil apply` reports it and goes on).
                    guard let candidate = try? CompiledValidatingPolicy(try ValidatingPolicyDecoder.decode(document))
                    else { continue }
                    if candidate.runsInBackground { validating.append(candidate) }
                }
            }
            for var document in try await client.listAll(Self.celPolicyExceptions).items {
                document["kind"] = "PolicyException"
                document["apiVersion"] = "policies.kyverno.io/v1"
                exceptions.append(try CompiledCELPolicyException(try CELPolicyException(decoding: document)))
            }
        }
        var labels: [String: [String: String]] = [:]
        var namespaceObjects: [String: JSONValue] = [:]
        for namespace in try await client.listAll(Self.namespaces).items {
            let name = namespace[path: "metadata", "name"]?.stringValue ?? ""
            labels[name] = (namespace[path: "metadata", "labels"]?.objectValue ?? [:]).reduce(into: [:]) {
                $0[$1.key] = $1.value.stringValue ?? ""
            }
            var object = namespace
            object["apiVersion"] = "v1"
            object["kind"] = "Namespace"
            object["metadata"]?["managedFields"] = nil
            namespaceObjects[name] = object
        }
        let provider = NamespaceLabelsProvider(labels: labels)
        let set = PolicySet(compiled)
        let evaluator = PolicyEvaluator(queries: .kyverno())
        var expected: [String: [String]] = [:]
        for (resource, kind, apiVersion) in [(Self.pods, "Pod", "v1"), (Self.deployments, "Deployment", "apps/v1")] {
            for var object in try await client.listAll(resource).items {
                object["kind"] = .string(kind)
                object["apiVersion"] = .string(apiVersion)
                guard let subject = ReportSubject(object: object) else { continue }
                var results: [ReportResult] = []
                for policy in set.policies(forKind: kind) {
                    let evaluation = await evaluator.evaluate(
                        policy, resource: object, provider: provider, exceptions: legacyExceptions)
                    results += ReportResult.entries(policy: policy.policy, results: evaluation.results, timestamp: 0)
                }
                for policy in validating {
                    let evaluation = await ValidatingPolicyEvaluator().evaluate(
                        policy, attributes: AdmissionAttributes(object: object, resource: resource.resource),
                        provider: provider, namespaceObject: namespaceObjects[subject.namespace],
                        exceptions: exceptions)
                    results += ReportResult.entries(
                        validatingPolicy: policy.policy, results: evaluation.results, timestamp: 0)
                }
                if !results.isEmpty {
                    expected[subject.uid] = PolicyReport(subject: subject, results: results).results.map {
                        Self.line($0, detailed: celPolicies)
                    }
                }
            }
        }
        return expected
    }

    /// Polls until the reports equal the oracle (or a generous limit passes), then returns both.
    func converge(
        limit: Duration = .seconds(30), celPolicies: Bool = false, exceptions: PolicyExceptionSettings? = nil
    ) async throws -> (
        reports: [String: [String]], oracle: [String: [String]]
    ) {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while true {
            let expected = try await oracle(celPolicies: celPolicies, exceptions: exceptions)
            let actual = try await reports(detailed: celPolicies)
            if actual == expected || clock.now > deadline { return (actual, expected) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Namespace labels for the oracle; every other lookup is unavailable, as in `vigil apply`.
struct NamespaceLabelsProvider: ContextProvider {
    let labels: [String: [String: String]]
    func namespaceLabels(namespace: String) async throws -> [String: String] { labels[namespace] ?? [:] }
    func configMap(namespace: String, name: String) async throws -> JSONValue {
        try await EmptyContextProvider().configMap(namespace: namespace, name: name)
    }
    func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        try await EmptyContextProvider().apiCall(request)
    }
    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        try await EmptyContextProvider().imageData(reference: reference, credentials: credentials)
    }
    func globalReference(name: String) async throws -> JSONValue {
        try await EmptyContextProvider().globalReference(name: name)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
