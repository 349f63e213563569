import Foundation
import JSONValue
import LocalAPIServer
import Testing
import YAML

/// manifests/: `kubectl kustomize` renders offline, the rendered Deployment is hardened as documented, and
/// the real `kubectl apply` of the rendered core manifests succeeds against the local API server.
@Suite("manifests/ with kubectl", .enabled(if: Kubectl.isAvailable, "kubectl is not on PATH"))
struct ManifestsIntegrationTests {
    static let manifests = Paths.repository.appendingPathComponent("manifests").path

    /// `kubectl kustomize <dir>` (offline: no server is contacted), parsed into objects.
    func render(_ directory: String) async throws -> (text: String, objects: [JSONValue]) {
        let result = try await ToolProcess.run("kubectl", ["kustomize", directory])
        #expect(result.status == 0, "kubectl kustomize \(directory): \(result.error)")
        return (result.output, try YAML.load(result.output).filter { !$0.isNull })
    }

    func object(_ objects: [JSONValue], kind: String, name: String) -> JSONValue? {
        objects.first { $0["kind"]?.stringValue == kind && $0[path: "metadata", "name"]?.stringValue == name }
    }

    @Test func rendersTheCoreInstallation() async throws {
        let (_, objects) = try await render(Self.manifests)
        let kinds = Set(objects.compactMap { $0["kind"]?.stringValue })
        #expect(
            kinds == [
                "CustomResourceDefinition", "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
                "Role", "RoleBinding", "Deployment", "Service", "PodDisruptionBudget",
            ])
        let crds = Set(
            objects.filter { $0["kind"]?.stringValue == "CustomResourceDefinition" }
                .compactMap { $0[path: "metadata", "name"]?.stringValue })
        #expect(
            crds == [
                "policyreports.wgpolicyk8s.io", "clusterpolicyreports.wgpolicyk8s.io", "reports.openreports.io",
                "clusterreports.openreports.io",
            ])
        // Everything namespaced lives in "vigil".
        for object in objects
        where [
            "ServiceAccount", "Role", "RoleBinding", "Deployment", "Service",
            "PodDisruptionBudget",
        ].contains(object["kind"]?.stringValue ?? "") {
            #expect(object[path: "metadata", "namespace"]?.stringValue == "vigil")
        }
    }

    @Test func deploymentIsHardenedAndProbed() async throws {
        let (_, objects) = try await render(Self.manifests)
        let deployment = try #require(object(objects, kind: "Deployment", name: "vigil"))
        let pod = try #require(deployment[path: "spec", "template", "spec"])
        #expect(pod[path: "securityContext", "runAsNonRoot"]?.boolValue == true)
        #expect(pod[path: "securityContext", "seccompProfile", "type"]?.stringValue == "RuntimeDefault")
        #expect(pod["serviceAccountName"]?.stringValue == "vigil")
        let container = try #require(pod["containers"]?[0])
        let security = try #require(container["securityContext"])
        #expect(security["readOnlyRootFilesystem"]?.boolValue == true)
        #expect(security["allowPrivilegeEscalation"]?.boolValue == false)
        #expect(security[path: "capabilities", "drop"]?.arrayValue == ["ALL"])
        #expect(security[path: "seccompProfile", "type"]?.stringValue == "RuntimeDefault")
        for key in ["requests", "limits"] {
            #expect(container[path: "resources", key, "memory"]?.stringValue != nil, "resources.\(key).memory")
        }
        #expect(container[path: "livenessProbe", "httpGet", "path"]?.stringValue == "/healthz")
        #expect(container[path: "readinessProbe", "httpGet", "path"]?.stringValue == "/readyz")
        let ports = container["ports"]?.arrayValue ?? []
        #expect(ports.contains { $0["name"] == "health" && $0["containerPort"]?.intValue == 8081 })
        #expect(ports.contains { $0["name"] == "metrics" && $0["containerPort"]?.intValue == 8000 })
        let args = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(args.first == "run")
        #expect(args.contains("--leader-elect"))
        #expect(container["image"]?.stringValue?.hasPrefix("ghcr.io/vigil-dev/vigil:") == true)
        // The Service exposes the metrics port; the PDB selects the Deployment's pods.
        let service = try #require(object(objects, kind: "Service", name: "vigil-metrics"))
        #expect(service[path: "spec", "ports"]?[0]?["targetPort"] == "metrics")
        let pdb = try #require(object(objects, kind: "PodDisruptionBudget", name: "vigil"))
        #expect(
            pdb[path: "spec", "selector", "matchLabels"] == deployment[path: "spec", "selector", "matchLabels"])
    }

    @Test func rbacWritesOnlyReportsAndLeases() async throws {
        let (_, objects) = try await render(Self.manifests)
        let writeVerbs: Set<String> = ["create", "update", "patch", "delete", "deletecollection", "*"]
        for role in objects where ["ClusterRole", "Role"].contains(role["kind"]?.stringValue ?? "") {
            for rule in role["rules"]?.arrayValue ?? [] {
                let verbs = Set(rule["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                let resources = Set(rule["resources"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                #expect(!resources.contains("*") && !verbs.contains("*"), "wildcard in \(rule)")
                if !verbs.isDisjoint(with: writeVerbs) {
                    #expect(
                        resources.isSubset(of: [
                            "policyreports", "clusterpolicyreports", "reports", "clusterreports", "leases",
                        ]), "write access to \(resources)")
                }
                if resources.contains("secrets") {
                    #expect(role["kind"]?.stringValue == "Role", "secrets must stay namespaced")
                    #expect(rule["resourceNames"]?.arrayValue?.isEmpty == false, "secrets need resourceNames")
                }
            }
        }
        let aggregated = try #require(object(objects, kind: "ClusterRole", name: "vigil"))
        #expect(aggregated["aggregationRule"] != nil)
        // The CEL policy kinds are read (get, list, watch) through the aggregated role.
        let core = try #require(object(objects, kind: "ClusterRole", name: "vigil:core"))
        let celRule = (core["rules"]?.arrayValue ?? []).first {
            $0["apiGroups"]?.arrayValue?.contains("policies.kyverno.io") == true
        }
        #expect(
            Set(celRule?["resources"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                == ["validatingpolicies", "namespacedvalidatingpolicies", "policyexceptions"])
        #expect(Set(celRule?["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? []) == ["get", "list", "watch"])
    }

    @Test func serviceMonitorOnlyInThePrometheusOperatorVariant() async throws {
        let (_, core) = try await render(Self.manifests)
        #expect(!core.contains { $0["kind"]?.stringValue == "ServiceMonitor" })
        let (_, withOperator) = try await render(Self.manifests + "/prometheus-operator")
        let monitor = try #require(object(withOperator, kind: "ServiceMonitor", name: "vigil"))
        #expect(monitor["apiVersion"]?.stringValue == "monitoring.coreos.com/v1")
        #expect(monitor[path: "spec", "endpoints"]?[0]?["port"] == "metrics")
        #expect(withOperator.count == core.count + 1)
    }

    @Test func kubectlApplyOfTheRenderedManifestsSucceeds() async throws {
        let (text, objects) = try await render(Self.manifests)
        let server = try LocalAPIServer(configuration: .init(port: 0, tokens: ["test-token"]))
        try await server.start()
        let (kubectl, directory) = try Kubectl.make(for: server)
        do {
            let rendered = directory.appendingPathComponent("rendered.yaml")
            try Data(text.utf8).write(to: rendered)
            let applied = try await kubectl.run("apply", "-f", rendered.path)
            #expect(applied.status == 0, "\(applied.error)")
            #expect(applied.output.split(separator: "\n").count == objects.count, "\(applied.output)")
            #expect(applied.output.contains("deployment.apps/vigil created"))
            #expect(applied.output.contains("poddisruptionbudget.policy/vigil created"))
            let again = try await kubectl.run("apply", "-f", rendered.path)
            #expect(again.status == 0, "\(again.error)")
            #expect(!again.output.contains("created"), "second apply should change nothing: \(again.output)")
            let listed = try await kubectl.run(
                "get", "deployment,service,serviceaccount,poddisruptionbudget", "-n", "vigil", "-o", "name")
            #expect(listed.status == 0, "\(listed.error)")
            #expect(
                Set(listed.output.split(separator: "\n").map(String.init)) == [
                    "deployment.apps/vigil", "service/vigil-metrics", "serviceaccount/vigil",
                    "poddisruptionbudget.policy/vigil",
                ])
        } catch {
            await server.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        await server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
