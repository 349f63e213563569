import Foundation
import JSONValue
import RealClusterSupport
import Testing

/// Vigil installed as a user would: `kubectl apply -k manifests/` against a real kube-apiserver (with
/// kube-controller-manager, so the aggregated ClusterRole fills), the bundled sample policies, and
/// `vigil run` outside the cluster with the `vigil` ServiceAccount's token. One cluster for the suite; the
/// tests run one after the other and each uses its own namespaces.
@Suite(
    "Install on a real cluster", .serialized,
    .enabled(if: RealCluster.isAvailable && VigilProcess.isBuilt, "needs KUBEBUILDER_ASSETS and .build/debug/vigil"),
    .sharedCluster(controllerManager: true))
struct InstallTests {
    static let samples = RealCluster.repository.appendingPathComponent("manifests/samples")
    static let kyvernoCRDs = RealCluster.repository.appendingPathComponent(
        "../shared/testdata/crds/kyverno/config/crds/kyverno"
    ).standardized.path

    /// Installs the manifests (server-side dry run first), Kyverno's policy CRDs and the sample policies;
    /// waits for the aggregated ClusterRole. Idempotent.
    static func install(_ cluster: RealCluster) async throws {
        let manifests = RealCluster.repository.appendingPathComponent("manifests").path
        if try await cluster.kubectl(["get", "namespace", "vigil"]).status != 0 {
            // A dry run of a fresh install only misses the namespace it would create (README, Deploying).
            let dryRun = try await cluster.kubectl(["apply", "-k", manifests, "--dry-run=server"])
            let errors = dryRun.error.split(separator: "\n").filter { !$0.isEmpty }
            #expect(errors.allSatisfy { $0.contains("namespaces \"vigil\" not found") }, "\(dryRun.error)")
            #expect(dryRun.output.contains("customresourcedefinition.apiextensions.k8s.io/policyreports"))
        }
        try await cluster.kubectlOK("apply", "-k", manifests)
        let dryRun = try await cluster.kubectl(["apply", "-k", manifests, "--dry-run=server"])
        #expect(dryRun.status == 0, "\(dryRun.error)")
        try await cluster.kubectlOK("apply", "--server-side", "-f", kyvernoCRDs)
        // The CEL sample (a ValidatingPolicy) needs the policies.kyverno.io CRDs.
        try await cluster.kubectlOK("apply", "--server-side", "-f", ControllerRealClusterTests.celPolicyCRDs)
        try await cluster.waitUntilCRDsEstablished()
        try await cluster.kubectlOK("apply", "-R", "-f", samples.appendingPathComponent("policies").path)
        let aggregated = try await eventually {
            let rules = try await cluster.kubectlOK("get", "clusterrole", "vigil", "-o", "jsonpath={.rules}")
            return rules.contains("replicationcontrollers") && rules.contains("policyreports")
        }
        #expect(aggregated, "the vigil ClusterRole was never aggregated")
    }

    /// A kubeconfig with a fresh token of ServiceAccount `account` in namespace `vigil`.
    static func serviceAccountKubeconfig(_ cluster: RealCluster, account: String) async throws -> String {
        let token = try await cluster.kubectlOK("create", "token", account, "-n", "vigil", "--duration=2h")
        return try cluster.writeKubeconfig(
            token: token.trimmingCharacters(in: .whitespacesAndNewlines), name: account, namespace: "vigil")
    }

    /// `Kind/namespace/name` of every PolicyReport's scope.
    static func reportScopes(_ cluster: RealCluster) async throws -> Set<String> {
        let list = try JSONValue.parse(try await cluster.kubectlOK("get", "policyreports", "-A", "-o", "json"))
        var scopes: Set<String> = []
        for report in list["items"]?.arrayValue ?? [] {
            let scope = report["scope"]
            scopes.insert(
                "\(scope?["kind"]?.stringValue ?? "")/\(scope?["namespace"]?.stringValue ?? "")/"
                    + (scope?["name"]?.stringValue ?? ""))
        }
        return scopes
    }

    /// Sum of `vigil_api_requests_total` samples answered with `code`.
    static func requests(withCode code: String, in metrics: String) -> Double {
        metrics.split(separator: "\n").filter {
            $0.hasPrefix("vigil_api_requests_total{") && $0.contains("code=\"\(code)\"")
        }
        .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    @Test func defaultInstallBecomesReadyAndReportsTheSamples() async throws {
        let cluster = try #require(SharedCluster.current)
        try await Self.install(cluster)
        let workloads = Self.samples.appendingPathComponent("workloads")
        for file in ["namespaces.yaml", "compliant.yaml", "non-compliant.yaml"] {
            try await cluster.kubectlOK("apply", "-f", workloads.appendingPathComponent(file).path)
        }
        // A ReplicationController: Kyverno's autogen makes every Pod policy match it.
        try await cluster.kubectlOK(
            "apply", "-f", "-", input: Self.replicationController("legacy-rc", namespace: "legacy"))
        let kubeconfig = try await Self.serviceAccountKubeconfig(cluster, account: "vigil")
        let vigil = try VigilProcess(
            kubeconfig: kubeconfig, ["--leader-elect", "--registry-timeout", "2"],
            environment: ["POD_NAME": "vigil-outside", "POD_NAMESPACE": "vigil"],
            log: cluster.directory.appendingPathComponent("vigil-install.log"))
        do {
            #expect(try await vigil.waitUntilReady(), "/readyz never answered 200")
            let expected: Set<String> = [
                "Deployment/shop/storefront", "Pod/shop/storefront-worker", "Deployment/legacy/legacy-batch",
                "Pod/legacy/debug-shell", "ReplicationController/legacy/legacy-rc",
            ]
            let reported = try await eventually { expected.isSubset(of: try await Self.reportScopes(cluster)) }
            let scopes = try await Self.reportScopes(cluster)
            #expect(reported, "reports: \(scopes)")
            let metrics = try await vigil.metrics()
            #expect(Self.requests(withCode: "403", in: metrics) == 0, "403 answers in vigil_api_requests_total")
            #expect(Self.requests(withCode: "200", in: metrics) > 0)
            #expect(
                !metrics.split(separator: "\n").contains {
                    $0.hasPrefix("vigil_informer_forbidden{") && !$0.hasSuffix(" 0")
                })
            #expect(vigil.logLines(startingWith: "access forbidden").isEmpty)
            #expect(try await vigil.metric("vigil_leader{shard=\"0\"}") == 1)
        } catch {
            await vigil.stop()
            throw error
        }
        #expect(await vigil.stop(), "vigil run did not exit 0 on SIGTERM")
    }

    @Test func forbiddenKindIsReportedOnceAndStartsWhenGranted() async throws {
        let cluster = try #require(SharedCluster.current)
        try await Self.install(cluster)
        // A ServiceAccount with everything the default ClusterRole grants except ReplicationControllers.
        try await cluster.kubectlOK("apply", "-f", "-", input: Self.limitedAccount)
        try await cluster.kubectlOK("create", "namespace", "forbidden-rc")
        try await cluster.kubectlOK(
            "apply", "-f", "-", input: Self.replicationController("hidden-rc", namespace: "forbidden-rc"))
        try await cluster.kubectlOK(
            "run", "visible", "-n", "forbidden-rc", "--image=busybox:1.36", "--restart=Never")
        let kubeconfig = try await Self.serviceAccountKubeconfig(cluster, account: "vigil-limited")
        let vigil = try VigilProcess(
            kubeconfig: kubeconfig, ["--no-leader-elect", "--namespaces", "forbidden-rc", "--registry-timeout", "2"],
            log: cluster.directory.appendingPathComponent("vigil-forbidden.log"))
        do {
            #expect(try await vigil.waitUntilReady(), "a forbidden kind held readiness hostage")
            let forbidden = "vigil_informer_forbidden{resource=\"replicationcontrollers\",verb=\"list\"}"
            #expect(try await eventually { try await vigil.metric(forbidden) == 1 })
            #expect(try await eventually { try await Self.reportScopes(cluster).contains("Pod/forbidden-rc/visible") })
            #expect(!(try await Self.reportScopes(cluster).contains("ReplicationController/forbidden-rc/hidden-rc")))
            // Retries (with backoff) do not log again.
            try await Task.sleep(for: .seconds(3))
            let warnings = vigil.logLines(startingWith: "access forbidden")
            #expect(warnings.count == 1, "\(warnings)")
            #expect(warnings.first?["kind"] == "ReplicationController" && warnings.first?["verb"] == "list")

            // Granting access starts the informer without a restart.
            try await cluster.kubectlOK("apply", "-f", "-", input: Self.replicationControllerGrant)
            let granted = try await eventually(timeout: .seconds(90)) {
                try await Self.reportScopes(cluster).contains("ReplicationController/forbidden-rc/hidden-rc")
            }
            #expect(granted, "no report for the ReplicationController after the grant")
            #expect(try await vigil.metric(forbidden) == 0)
            #expect(vigil.logLines(startingWith: "access granted").count == 1)
            #expect(vigil.logLines(startingWith: "access forbidden").count == 1)
            #expect(vigil.isRunning)
        } catch {
            await vigil.stop()
            throw error
        }
        #expect(await vigil.stop(), "vigil run did not exit 0 on SIGTERM")
        // Over the whole run: one warning, one notice.
        let changes = vigil.logLines.filter {
            $0["msg"]?.stringValue?.hasPrefix("access ") == true && $0["kind"] == "ReplicationController"
        }
        #expect(changes.count == 2, "\(changes)")
    }

    static func replicationController(_ name: String, namespace: String) -> String {
        """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          replicas: 0
          selector: {app: \(name)}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers: [{name: c, image: "busybox:1.36"}]
        """
    }

    static let limitedAccount = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: vigil-limited, namespace: vigil}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: vigil-limited}
        rules:
        - {apiGroups: [kyverno.io], resources: [clusterpolicies, policies], verbs: [get, list, watch]}
        - apiGroups: [policies.kyverno.io]
          resources: [validatingpolicies, namespacedvalidatingpolicies, policyexceptions]
          verbs: [get, list, watch]
        - apiGroups: [admissionregistration.k8s.io]
          resources: [validatingadmissionpolicies, validatingadmissionpolicybindings]
          verbs: [get, list, watch]
        - {apiGroups: [""], resources: [namespaces, pods, services], verbs: [get, list, watch]}
        - {apiGroups: [apps], resources: [deployments, daemonsets, statefulsets, replicasets], verbs: [get, list, watch]}
        - {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [get, list, watch]}
        - apiGroups: [wgpolicyk8s.io]
          resources: [policyreports, clusterpolicyreports]
          verbs: [get, list, watch, create, update, patch, delete]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: vigil-limited}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vigil-limited}
        subjects: [{kind: ServiceAccount, name: vigil-limited, namespace: vigil}]
        """

    static let replicationControllerGrant = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: vigil-limited-rc}
        rules:
        - {apiGroups: [""], resources: [replicationcontrollers], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: vigil-limited-rc}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vigil-limited-rc}
        subjects: [{kind: ServiceAccount, name: vigil-limited, namespace: vigil}]
        """
}
