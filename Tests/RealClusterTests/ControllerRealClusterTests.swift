import Foundation
import JSONValue
import RealClusterSupport
import Testing
import YAML

/// `vigil run` against a real kube-apiserver with the bundled best-practice and pod-security policies: its
/// reports equal what `vigil apply -o report` computes from the same objects (read back from the server),
/// they follow changes and deletions, an unchanged resync writes nothing, and of two replicas with leader
/// election the second takes over when the first is stopped. One cluster (no controller manager, so no
/// garbage collector deletes reports behind Vigil's back); each test scans its own namespaces.
@Suite(
    "Reports controller on a real cluster", .serialized,
    .enabled(if: RealCluster.isAvailable && VigilProcess.isBuilt, "needs KUBEBUILDER_ASSETS and .build/debug/vigil"),
    .sharedCluster())
struct ControllerRealClusterTests {
    static let repository = RealCluster.repository
    static let policies = ["best-practices", "pod-security"].map {
        repository.appendingPathComponent("manifests/samples/policies/\($0)").path
    }
    static let workloadKinds =
        "pods,deployments,daemonsets,statefulsets,replicasets,jobs,cronjobs,replicationcontrollers"

    /// The report CRDs, Kyverno's CRDs and the sample policies. Idempotent.
    static func installPolicies(_ cluster: RealCluster) async throws {
        try await cluster.kubectlOK("apply", "-k", repository.appendingPathComponent("manifests/crds").path)
        try await cluster.kubectlOK("apply", "--server-side", "-f", InstallTests.kyvernoCRDs)
        try await cluster.waitUntilCRDsEstablished()
        for path in policies { try await cluster.kubectlOK("apply", "-R", "-f", path) }
    }

    /// Namespace, Pods and a Deployment, one compliant and some not.
    static func workloads(_ namespace: String) -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: \(namespace), labels: {team: \(namespace)}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: good, namespace: \(namespace), labels: {app.kubernetes.io/name: good}}
        spec:
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: c
            image: registry.example/good:1.0
            resources: {limits: {memory: 64Mi}, requests: {cpu: 10m, memory: 64Mi}}
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: bad, namespace: \(namespace)}
        spec:
          hostNetwork: true
          containers:
          - {name: c, image: "busybox:latest", securityContext: {privileged: true}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: \(namespace)}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: "nginx"}]
        """
    }

    /// Each report's scope (`Kind/namespace/name`) to its summary and results without timestamps.
    static func normalized(_ reports: [JSONValue]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for report in reports {
            let scope = report["scope"]
            let key =
                "\(scope?["kind"]?.stringValue ?? "")/\(scope?["namespace"]?.stringValue ?? "")/"
                + (scope?["name"]?.stringValue ?? "")
            let results = (report["results"]?.arrayValue ?? []).map { entry -> JSONValue in
                var entry = entry
                if case .object(var object) = entry {
                    object["timestamp"] = nil
                    entry = .object(object)
                }
                return entry
            }
            let sorted = results.sorted { $0.serialized() < $1.serialized() }
            result[key] = [
                "summary": report["summary"] ?? .null, "results": .array(sorted), "uid": scope?["uid"] ?? .null,
            ]
        }
        return result
    }

    /// The reports in `namespaces` as the cluster holds them.
    static func clusterReports(_ cluster: RealCluster, _ namespaces: [String]) async throws -> [String: JSONValue] {
        var reports: [JSONValue] = []
        for namespace in namespaces {
            let list = try JSONValue.parse(
                try await cluster.kubectlOK("get", "policyreports", "-n", namespace, "-o", "json"))
            reports += list["items"]?.arrayValue ?? []
        }
        return normalized(reports)
    }

    /// What `vigil apply -o report` computes from the objects (and namespaces) the server holds now.
    /// - Parameter extraArguments: more `vigil apply` arguments (`--parameter-resource FILE`).
    static func expectedReports(
        _ cluster: RealCluster, _ namespaces: [String], extraPolicies: [String] = [], extraArguments: [String] = []
    ) async throws -> [String: JSONValue] {
        let objects = cluster.directory.appendingPathComponent("objects-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: objects) }
        var items: [JSONValue] = []
        for namespace in namespaces {
            items.append(try JSONValue.parse(try await cluster.kubectlOK("get", "namespace", namespace, "-o", "json")))
            let list = try JSONValue.parse(
                try await cluster.kubectlOK("get", workloadKinds, "-n", namespace, "-o", "json"))
            items += list["items"]?.arrayValue ?? []
        }
        // One JSON document per object in a YAML stream.
        try Data(items.map { "---\n" + $0.serialized() + "\n" }.joined().utf8).write(to: objects)
        let applied = try await RealCluster.run(
            VigilProcess.executable,
            ["apply", "-o", "report", "-r", objects.path] + (policies + extraPolicies).flatMap { ["-p", $0] }
                + extraArguments)
        guard applied.status == 0 else { throw RealCluster.Failure(description: "vigil apply: \(applied.error)") }
        let documents = try YAML.load(applied.output).filter { $0 != .null }
        return normalized(documents)
    }

    /// Report writes so far (`vigil_report_writes_total`).
    static func writes(_ vigil: VigilProcess) async throws -> Double {
        let text = try await vigil.metrics()
        // Creates, updates and deletes (not `skipped_unchanged`, the writes avoided).
        return text.split(separator: "\n")
            .filter { $0.hasPrefix("vigil_report_writes_total{") && !$0.contains("skipped_unchanged") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    @Test func reportsEqualApplyFollowChangesAndAnUnchangedResyncWritesNothing() async throws {
        let cluster = try #require(SharedCluster.current)
        try await Self.installPolicies(cluster)
        let namespaces = ["scan-a", "scan-b"]
        for namespace in namespaces {
            try await cluster.kubectlOK("apply", "-f", "-", input: Self.workloads(namespace))
        }
        let vigil = try VigilProcess(
            kubeconfig: cluster.kubeconfig,
            [
                "--no-leader-elect", "--namespaces", namespaces.joined(separator: ","), "--background-scan-interval",
                "8s",
                "--registry-timeout", "2",
            ],
            log: cluster.directory.appendingPathComponent("vigil-scan.log"))
        do {
            #expect(try await vigil.waitUntilReady())
            var expected = try await Self.expectedReports(cluster, namespaces)
            #expect(expected.count == 6, "\(expected.keys.sorted())")
            #expect(try await eventually { try await Self.clusterReports(cluster, namespaces) == expected })

            // A change: the bad Pod gets the label require-labels asks for.
            try await cluster.kubectlOK("label", "pod", "bad", "-n", "scan-a", "app.kubernetes.io/name=bad")
            expected = try await Self.expectedReports(cluster, namespaces)
            #expect(try await eventually { try await Self.clusterReports(cluster, namespaces) == expected })
            // A deletion: its report goes (no garbage collector runs here).
            try await cluster.kubectlOK("delete", "pod", "bad", "-n", "scan-b", "--wait=false")
            expected = try await Self.expectedReports(cluster, namespaces)
            #expect(expected["Pod/scan-b/bad"] == nil)
            #expect(try await eventually { try await Self.clusterReports(cluster, namespaces) == expected })

            // Resyncs every 8 s: two more pass without a single write.
            let before = try await Self.writes(vigil)
            let skipped = "vigil_report_writes_total{operation=\"skipped_unchanged\"}"
            let skippedBefore = try await vigil.metric(skipped) ?? 0
            let scans = try await vigil.metric("vigil_scan_duration_seconds_count") ?? 0
            #expect(
                try await eventually(timeout: .seconds(60)) {
                    (try await vigil.metric("vigil_scan_duration_seconds_count") ?? 0) >= scans + 2
                })
            #expect(try await Self.writes(vigil) == before)
            #expect(try await vigil.metric(skipped) ?? 0 > skippedBefore, "the resyncs compared the reports")
            #expect(try await Self.clusterReports(cluster, namespaces) == expected)
        } catch {
            await vigil.stop()
            throw error
        }
        #expect(await vigil.stop())
    }

    static let celPolicyCRDs = RealCluster.repository.appendingPathComponent(
        "../shared/testdata/crds/kyverno/config/crds/policies.kyverno.io"
    ).standardized.path

    /// A ValidatingPolicy on the Pods (and, by autogen, the Deployments) of namespaces labelled
    /// `vigil-cel-test`, and a NamespacedValidatingPolicy in `cel-a`; `message` words the first one's failure.
    static func celPolicies(message: String) -> String {
        """
        apiVersion: policies.kyverno.io/v1
        kind: ValidatingPolicy
        metadata: {name: cel-require-name-label}
        spec:
          validationActions: [Audit]
          matchConstraints:
            namespaceSelector: {matchLabels: {vigil-cel-test: "true"}}
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
          validations:
          - expression: "has(object.metadata.labels) && 'app.kubernetes.io/name' in object.metadata.labels"
            messageExpression: "'\(message) ' + object.metadata.name + ' of team ' + namespaceObject.metadata.labels.team"
        ---
        apiVersion: policies.kyverno.io/v1
        kind: NamespacedValidatingPolicy
        metadata: {name: cel-no-privileged, namespace: cel-a}
        spec:
          validationActions: [Audit]
          matchConstraints:
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
          validations:
          - expression: "object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)"
            message: privileged containers are not allowed
        """
    }

    @Test func validatingPoliciesAreReportedLikeApplyAndFollowChanges() async throws {
        let cluster = try #require(SharedCluster.current)
        try await Self.installPolicies(cluster)
        try await cluster.kubectlOK("apply", "--server-side", "-f", Self.celPolicyCRDs)
        try await cluster.waitUntilCRDsEstablished()
        let namespaces = ["cel-a", "cel-b"]
        for namespace in namespaces {
            try await cluster.kubectlOK("apply", "-f", "-", input: Self.workloads(namespace))
            try await cluster.kubectlOK("label", "namespace", namespace, "vigil-cel-test=true", "--overwrite")
        }
        let file = cluster.directory.appendingPathComponent("cel-policies.yaml")
        try Data(Self.celPolicies(message: "name the pod").utf8).write(to: file)
        try await cluster.kubectlOK("apply", "-f", file.path)
        let vigil = try VigilProcess(
            kubeconfig: cluster.kubeconfig,
            ["--no-leader-elect", "--namespaces", namespaces.joined(separator: ","), "--registry-timeout", "2"],
            log: cluster.directory.appendingPathComponent("vigil-cel.log"))
        do {
            #expect(try await vigil.waitUntilReady())
            var expected = try await Self.expectedReports(cluster, namespaces, extraPolicies: [file.path])
            let results = expected.values.flatMap { $0["results"]?.arrayValue ?? [] }
            let celResults = results.filter { $0["source"]?.stringValue == "KyvernoValidatingPolicy" }
            #expect(celResults.contains { $0["result"] == "fail" && $0["message"] == "name the pod bad of team cel-a" })
            #expect(celResults.contains { $0["result"] == "pass" && $0["policy"] == "cel-require-name-label" })
            #expect(celResults.contains { $0["policy"] == "cel-a/cel-no-privileged" && $0["result"] == "fail" })
            #expect(
                !expected.contains { key, report in
                    key.contains("/cel-b/")
                        && (report["results"]?.arrayValue ?? []).contains { $0["policy"] == "cel-a/cel-no-privileged" }
                })
            #expect(try await eventually { try await Self.clusterReports(cluster, namespaces) == expected })

            // A changed ValidatingPolicy is evaluated again.
            try Data(Self.celPolicies(message: "label the pod").utf8).write(to: file)
            try await cluster.kubectlOK("apply", "-f", file.path)
            expected = try await Self.expectedReports(cluster, namespaces, extraPolicies: [file.path])
            #expect(try await eventually { try await Self.clusterReports(cluster, namespaces) == expected })
        } catch {
            await vigil.stop()
            _ = try? await cluster.kubectlOK("delete", "-f", file.path, "--wait=false")
            throw error
        }
        #expect(await vigil.stop())
        // Other tests of the shared cluster do not expect these policies.
        _ = try await cluster.kubectlOK("delete", "-f", file.path, "--wait=false")
    }

    /// A ClusterPolicy on the Pods of `namespace` whose rule reads the GlobalContextEntry `reference` and
    /// fails with `message` (so the value shows in the report).
    static func globalReferencePolicy(_ name: String, namespace: String, reference: String, message: String) -> String {
        """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: \(name)
          annotations: {pod-policies.kyverno.io/autogen-controllers: none}
        spec:
          background: true
          rules:
          - name: r
            match: {any: [{resources: {kinds: [Pod], namespaces: [\(namespace)]}}]}
            context: [{name: value, globalReference: \(reference)}]
            validate: {message: "\(message)", deny: {}}
        """
    }

    /// The result lines (`policy rule result message`) of one Pod's report in `namespace`.
    static func resultLines(_ cluster: RealCluster, namespace: String, pod: String) async throws -> [String] {
        let reports = try JSONValue.parse(
            try await cluster.kubectlOK("get", "policyreports", "-n", namespace, "-o", "json"))
        let report = reports["items"]?.arrayValue?.first { $0["scope"]?["name"]?.stringValue == pod }
        return (report?["results"]?.arrayValue ?? []).map { entry in
            [entry["policy"], entry["rule"], entry["result"], entry["message"]]
                .map { $0?.stringValue ?? "" }.joined(separator: " ")
        }
    }

    @Test func globalContextEntriesFromTheRealServerAreReadAndAWaitingRuleIsEvaluatedAgain() async throws {
        let cluster = try #require(SharedCluster.current)
        try await Self.installPolicies(cluster)
        let namespace = "gce"
        try await cluster.kubectlOK("apply", "-f", "-", input: Self.workloads(namespace))
        // An entry kept by an informer (the Deployments of the namespace, with a projection) and one refreshed
        // by a Kubernetes API call; the second is created only after Vigil has reported its absence.
        try await cluster.kubectlOK(
            "apply", "-f", "-",
            input: """
                apiVersion: kyverno.io/v2beta1
                kind: GlobalContextEntry
                metadata: {name: gce-deployments}
                spec:
                  kubernetesResource: {group: apps, version: v1, resource: deployments, namespace: \(namespace)}
                  projections: [{name: names, jmesPath: "[].metadata.name"}]
                ---
                \(Self.globalReferencePolicy(
                    "gce-count", namespace: namespace, reference: "{name: gce-deployments, jmesPath: 'length(@)'}",
                    message: "deployments {{ value }}"))
                ---
                \(Self.globalReferencePolicy(
                    "gce-names", namespace: namespace, reference: "{name: gce-deployments.names, jmesPath: 'join(`,`, @)'}",
                    message: "names {{ value }}"))
                ---
                \(Self.globalReferencePolicy(
                    "gce-configmaps", namespace: namespace,
                    reference: "{name: gce-configmaps, jmesPath: 'items | length(@)'}",
                    message: "configmaps {{ value }}"))
                """)
        let vigil = try VigilProcess(
            kubeconfig: cluster.kubeconfig,
            ["--no-leader-elect", "--namespaces", namespace, "--registry-timeout", "2"],
            log: cluster.directory.appendingPathComponent("vigil-gce.log"))
        do {
            #expect(try await vigil.waitUntilReady())
            #expect(
                try await eventually {
                    let lines = try await Self.resultLines(cluster, namespace: namespace, pod: "good")
                    return lines.contains("gce-count r fail deployments 1")
                        && lines.contains("gce-names r fail names web")
                        && lines.contains { $0.hasPrefix("gce-configmaps r error") && $0.contains("gce-configmaps") }
                })
            try await cluster.kubectlOK(
                "apply", "-f", "-",
                input: """
                    apiVersion: kyverno.io/v2beta1
                    kind: GlobalContextEntry
                    metadata: {name: gce-configmaps}
                    spec:
                      apiCall: {urlPath: /api/v1/namespaces/\(namespace)/configmaps, refreshInterval: 1h}
                    """)
            // The entry becomes ready and the Pods that waited for it are evaluated again without a resync;
            // the namespace holds one ConfigMap, kube-root-ca.crt, only when a controller manager runs.
            let list = try await cluster.kubectlOK("get", "configmaps", "-n", namespace, "-o", "json")
            let configMaps = try JSONValue.parse(list)["items"]?.arrayValue?.count ?? -1
            #expect(
                try await eventually {
                    try await Self.resultLines(cluster, namespace: namespace, pod: "bad")
                        .contains("gce-configmaps r fail configmaps \(configMaps)")
                })
        } catch {
            await vigil.stop()
            throw error
        }
        #expect(await vigil.stop())
    }

    @Test func theSecondReplicaTakesOverWhenTheLeaderStops() async throws {
        let cluster = try #require(SharedCluster.current)
        try await Self.installPolicies(cluster)
        try await cluster.kubectlOK("apply", "-f", "-", input: Self.workloads("ha"))
        func replica(_ name: String) throws -> VigilProcess {
            try VigilProcess(
                kubeconfig: cluster.kubeconfig,
                ["--leader-elect", "--lease-namespace", "default", "--namespaces", "ha", "--registry-timeout", "2"],
                environment: ["POD_NAME": name], log: cluster.directory.appendingPathComponent("vigil-\(name).log"))
        }
        let first = try replica("replica-a")
        var second: VigilProcess?
        do {
            #expect(try await first.waitUntilReady())
            #expect(try await eventually { try await first.metric("vigil_leader{shard=\"0\"}") == 1 })
            let standby = try replica("replica-b")
            second = standby
            #expect(try await standby.waitUntilReady(), "a follower is ready as a standby")
            #expect(try await standby.metric("vigil_leader{shard=\"0\"}") == 0)
            #expect(try await eventually { try await Self.clusterReports(cluster, ["ha"]).count == 3 })
            let holder = "jsonpath={.spec.holderIdentity}"
            #expect(
                try await cluster.kubectlOK("get", "lease", "vigil-reports-controller", "-n", "default", "-o", holder)
                    == "replica-a")

            #expect(await first.stop(), "the leader did not exit 0 on SIGTERM")
            #expect(try await eventually { try await standby.metric("vigil_leader{shard=\"0\"}") == 1 })
            #expect(
                try await cluster.kubectlOK("get", "lease", "vigil-reports-controller", "-n", "default", "-o", holder)
                    == "replica-b")
            // The new leader writes: a new Pod gets its report.
            try await cluster.kubectlOK("run", "late", "-n", "ha", "--image=busybox:1.36", "--restart=Never")
            #expect(try await eventually { try await Self.clusterReports(cluster, ["ha"])["Pod/ha/late"] != nil })
        } catch {
            await first.stop()
            await second?.stop()
            throw error
        }
        #expect(await second?.stop() == true)
    }
}
