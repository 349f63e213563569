import Foundation
import JSONValue
import RealClusterSupport
import Testing

/// `vigil run` with Kubernetes ValidatingAdmissionPolicies on a real kube-apiserver (which serves
/// admissionregistration.k8s.io/v1 and enforces them too: the binding only audits): its reports equal
/// `vigil apply -o report` with the same policies, bindings and parameter objects, read back from the server.
@Suite(
    "ValidatingAdmissionPolicies on a real cluster", .serialized,
    .enabled(if: RealCluster.isAvailable && VigilProcess.isBuilt, "needs KUBEBUILDER_ASSETS and .build/debug/vigil"),
    .sharedCluster())
struct ValidatingAdmissionPolicyRealClusterTests {
    /// A policy with a ConfigMap parameter bound to namespaces labelled `vigil-vap-test`, and one without a
    /// binding (Kyverno reports it on its own); `message` words the first one's failure.
    static func policies(message: String) -> String {
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: vap-max-replicas
          labels: {reports.kyverno.io/enabled: "true"}
        spec:
          paramKind: {apiVersion: v1, kind: ConfigMap}
          matchConstraints:
            resourceRules:
            - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
          validations:
          - expression: "object.spec.replicas <= int(params.data.max)"
            messageExpression: "'\(message) ' + params.data.max + ' in ' + namespaceObject.metadata.labels.team"
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: vap-max-replicas-binding}
        spec:
          policyName: vap-max-replicas
          validationActions: [Audit]
          paramRef: {name: vap-limits, parameterNotFoundAction: Deny}
          matchResources:
            namespaceSelector: {matchLabels: {vigil-vap-test: "true"}}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: vap-no-host-network
          labels: {reports.kyverno.io/enabled: "true"}
        spec:
          matchConstraints:
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
            namespaceSelector: {matchLabels: {vigil-vap-test: "true"}}
          validations:
          - expression: "!has(object.spec.hostNetwork) || !object.spec.hostNetwork"
            message: host network is not allowed
        """
    }

    /// `policy result message binding` of every result, `-` for no binding.
    static func lines(_ reports: [String: JSONValue]) -> [String] {
        var lines: [String] = []
        for report in reports.values {
            for entry in report["results"]?.arrayValue ?? [] {
                let fields: [String] = [
                    entry["policy"]?.stringValue ?? "", entry["result"]?.stringValue ?? "",
                    entry["message"]?.stringValue ?? "", entry["properties"]?["binding"]?.stringValue ?? "-",
                ]
                lines.append(fields.joined(separator: " "))
            }
        }
        return lines
    }

    static func limits(_ namespaces: [String], max: Int) -> String {
        namespaces.map {
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: vap-limits, namespace: \($0)}
            data: {max: "\(max)"}
            """
        }.joined(separator: "\n---\n")
    }

    @Test func validatingAdmissionPoliciesAreReportedLikeApplyAndFollowChanges() async throws {
        let cluster = try #require(SharedCluster.current)
        try await ControllerRealClusterTests.installPolicies(cluster)
        let namespaces = ["vap-a", "vap-b"]
        for namespace in namespaces {
            try await cluster.kubectlOK("apply", "-f", "-", input: ControllerRealClusterTests.workloads(namespace))
            try await cluster.kubectlOK("label", "namespace", namespace, "vigil-vap-test=true", "--overwrite")
        }
        let file = cluster.directory.appendingPathComponent("vap-policies.yaml")
        let params = cluster.directory.appendingPathComponent("vap-params.yaml")
        try Data(Self.limits(namespaces, max: 0).utf8).write(to: params)
        try await cluster.kubectlOK("apply", "-f", params.path)
        try Data(Self.policies(message: "replicas at most").utf8).write(to: file)
        try await cluster.kubectlOK("apply", "-f", file.path)
        let vigil = try VigilProcess(
            kubeconfig: cluster.kubeconfig,
            [
                "--no-leader-elect", "--namespaces", namespaces.joined(separator: ","), "--registry-timeout", "2",
                "--background-scan-interval", "8s",
            ],
            log: cluster.directory.appendingPathComponent("vigil-vap.log"))
        func expected() async throws -> [String: JSONValue] {
            try await ControllerRealClusterTests.expectedReports(
                cluster, namespaces, extraPolicies: [file.path], extraArguments: ["--parameter-resource", params.path])
        }
        do {
            #expect(try await vigil.waitUntilReady())
            var reports = try await expected()
            let lines = Self.lines(reports)
            #expect(lines.contains("vap-max-replicas fail replicas at most 0 in vap-a vap-max-replicas-binding"))
            #expect(lines.contains("vap-no-host-network fail host network is not allowed -"))
            #expect(lines.contains("vap-no-host-network pass  -"))
            let rules = reports.values.flatMap { $0["results"]?.arrayValue ?? [] }
                .filter { $0["source"]?.stringValue == "ValidatingAdmissionPolicy" }
                .map { ($0["policy"]?.stringValue ?? "", $0["rule"]?.stringValue ?? "") }
            #expect(!rules.isEmpty && rules.allSatisfy { $0.0 == $0.1 })
            #expect(
                try await eventually {
                    try await ControllerRealClusterTests.clusterReports(cluster, namespaces) == reports
                })

            // A changed policy is evaluated again.
            try Data(Self.policies(message: "no more than").utf8).write(to: file)
            try await cluster.kubectlOK("apply", "-f", file.path)
            reports = try await expected()
            #expect(
                try await eventually {
                    try await ControllerRealClusterTests.clusterReports(cluster, namespaces) == reports
                })

            // A changed parameter object is read at the next evaluation: the resync every 8 s.
            try Data(Self.limits(namespaces, max: 5).utf8).write(to: params)
            try await cluster.kubectlOK("apply", "-f", params.path)
            reports = try await expected()
            let afterParams = Self.lines(reports).filter { $0.hasPrefix("vap-max-replicas ") }
            #expect(!afterParams.isEmpty && afterParams.allSatisfy { $0.contains(" pass ") }, "\(afterParams)")
            #expect(
                try await eventually {
                    try await ControllerRealClusterTests.clusterReports(cluster, namespaces) == reports
                })

            // A deleted binding: the policy is evaluated on its own (params null: an error), as Kyverno does.
            try await cluster.kubectlOK("delete", "validatingadmissionpolicybinding", "vap-max-replicas-binding")
            let withoutBinding = cluster.directory.appendingPathComponent("vap-policies-unbound.yaml")
            try Data(
                Self.policies(message: "no more than").components(separatedBy: "\n---\n").enumerated()
                    .filter { $0.offset != 1 }.map(\.element).joined(separator: "\n---\n").utf8
            ).write(to: withoutBinding)
            reports = try await ControllerRealClusterTests.expectedReports(
                cluster, namespaces, extraPolicies: [withoutBinding.path],
                extraArguments: ["--parameter-resource", params.path])
            #expect(Self.lines(reports).contains { $0.hasPrefix("vap-max-replicas error ") && $0.hasSuffix(" -") })
            #expect(
                try await eventually {
                    try await ControllerRealClusterTests.clusterReports(cluster, namespaces) == reports
                })
        } catch {
            await vigil.stop()
            _ = try? await cluster.kubectlOK("delete", "-f", file.path, "--wait=false", "--ignore-not-found")
            throw error
        }
        #expect(await vigil.stop())
        // Other tests of the shared cluster do not expect these policies.
        _ = try await cluster.kubectlOK("delete", "-f", file.path, "--wait=false", "--ignore-not-found")
    }
}
