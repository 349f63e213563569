import Foundation
import JSONValue
import Testing
import YAML

/// `vigil apply` and `vigil test` with Kubernetes ValidatingAdmissionPolicies, bindings and parameter objects.
@Suite struct ApplyValidatingAdmissionPolicyTests {
    static let policy = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: max-replicas
          labels: {reports.kyverno.io/enabled: "true"}
          annotations: {policies.kyverno.io/severity: high, policies.kyverno.io/category: Capacity}
        spec:
          paramKind: {apiVersion: v1, kind: ConfigMap}
          matchConstraints:
            resourceRules:
            - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
          validations:
          - expression: "object.spec.replicas <= int(params.data.max)"
            messageExpression: "'at most ' + params.data.max + ' replicas'"
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: max-replicas-prod}
        spec:
          policyName: max-replicas
          validationActions: [Audit]
          paramRef: {name: limits, parameterNotFoundAction: Deny}
          matchResources:
            namespaceSelector: {matchLabels: {env: prod}}
        """

    static let resources = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod, labels: {env: prod}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: dev, labels: {env: dev}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big, namespace: prod}
        spec: {replicas: 8}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: small, namespace: prod}
        spec: {replicas: 2}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: elsewhere, namespace: dev}
        spec: {replicas: 8}
        """

    static let params = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: limits, namespace: prod}
        data: {max: "3"}
        """

    func apply(_ extra: [String], params: Bool = true) throws -> (status: Int32, stdout: String, stderr: String) {
        try ApplyCommandTests.apply([
            "policy.yaml": Self.policy, "resources.yaml": Self.resources, "params.yaml": Self.params,
        ]) { directory in
            [
                "-p", directory.appendingPathComponent("policy.yaml").path, "-r",
                directory.appendingPathComponent("resources.yaml").path,
            ] + (params ? ["--parameter-resource", directory.appendingPathComponent("params.yaml").path] : [])
                + extra
        }
    }

    @Test func resultsWithBindingAndParameters() throws {
        let output = try apply(["-o", "json", "--fail-on-violation"])
        #expect(output.status == 1, "big fails")
        let results = try #require(try JSONValue.parse(output.stdout)["results"]?.arrayValue)
        func result(_ name: String) -> JSONValue? { results.first { $0["resource"]?["name"]?.stringValue == name } }
        #expect(result("big")?["result"]?.stringValue == "fail")
        #expect(result("big")?["message"]?.stringValue == "at most 3 replicas")
        #expect(result("big")?["rule"]?.stringValue == "max-replicas")
        #expect(result("big")?["properties"]?["binding"]?.stringValue == "max-replicas-prod")
        #expect(result("small")?["result"]?.stringValue == "pass")
        // The binding selects env=prod only.
        #expect(result("elsewhere") == nil)
    }

    /// Without the parameter object the binding (parameterNotFoundAction: Deny) gives Kubernetes' error.
    @Test func missingParameterIsAnError() throws {
        let output = try apply(["-o", "json"], params: false)
        let results = try #require(try JSONValue.parse(output.stdout)["results"]?.arrayValue)
        #expect(results.count == 2)
        #expect(
            results.allSatisfy {
                $0["result"]?.stringValue == "error"
                    && $0["message"]?.stringValue
                        == "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"
            })
    }

    /// `-o report`: source ValidatingAdmissionPolicy, policy and rule the policy's name, `binding` and
    /// `process` properties, severity and category from the annotations, no message on a pass.
    @Test func reportEntries() throws {
        let output = try apply(["-o", "report"])
        #expect(output.status == 0, "\(output.stderr)")
        let reports = try YAML.load(output.stdout).filter { !$0.isNull }
        #expect(reports.count == 2)
        let entries = reports.flatMap { $0["results"]?.arrayValue ?? [] }
        #expect(entries.allSatisfy { $0["source"]?.stringValue == "ValidatingAdmissionPolicy" })
        #expect(
            entries.allSatisfy {
                $0["policy"]?.stringValue == "max-replicas" && $0["rule"]?.stringValue == "max-replicas"
            })
        #expect(
            entries.allSatisfy {
                $0["properties"] == ["binding": "max-replicas-prod", "process": "background scan"]
                    && $0["severity"]?.stringValue == "high" && $0["category"]?.stringValue == "Capacity"
            })
        let pass = entries.first { $0["result"]?.stringValue == "pass" }
        #expect(pass != nil && pass?["message"] == nil)
    }

    static var kyvernoCLITests: [String] {
        let base = TestCommandTests.sharedTestdata + "/cli/test/cli"
        return [base + "/test-validating-admission-policy", base + "/test/validating-admission-policies"]
    }

    /// Kyverno's own CLI tests of ValidatingAdmissionPolicies (bindings with namespace and object selectors,
    /// excluded resources, match conditions, namespaceObject, params, user info) all pass.
    @Test func kyvernoCLITestsPass() throws {
        guard Self.kyvernoCLITests.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else {
            Issue.record("Kyverno CLI fixtures not found: \(Self.kyvernoCLITests)")
            return
        }
        let output = try VigilProcess.run(["test", "-o", "json"] + Self.kyvernoCLITests)
        var statuses: [String: Int] = [:]
        for line in output.stdout.split(separator: "\n") {
            let record = try JSONValue.parse(String(line))
            let status = record["status"]?.stringValue ?? "?"
            statuses[status, default: 0] += 1
            #expect(status == "pass", "\(record.serialized())")
        }
        #expect(statuses["pass", default: 0] >= 30, "\(statuses)")
        #expect(output.status == 0)
    }
}
