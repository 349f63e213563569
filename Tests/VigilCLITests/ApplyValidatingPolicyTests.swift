import Foundation
import JSONValue
import Testing

/// `vigil apply` with ValidatingPolicies, a CEL PolicyException and `-o report`.
@Suite struct ApplyValidatingPolicyTests {
    static let policy = """
        apiVersion: policies.kyverno.io/v1
        kind: ValidatingPolicy
        metadata:
          name: require-team
          annotations: {policies.kyverno.io/severity: high}
        spec:
          matchConstraints:
            resourceRules:
            - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
          validations:
          - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
            messageExpression: "'pod ' + object.metadata.name + ' has no team label'"
        """

    static let resources = """
        apiVersion: v1
        kind: Pod
        metadata: {name: labelled, namespace: prod, labels: {team: a}}
        spec: {containers: [{name: c, image: nginx}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: bare, namespace: prod}
        spec: {containers: [{name: c, image: nginx}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: prod}
        spec: {template: {metadata: {labels: {}}, spec: {containers: [{name: c, image: nginx}]}}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: legacy, namespace: prod}
        spec: {containers: [{name: c, image: nginx}]}
        """

    static let exception = """
        apiVersion: policies.kyverno.io/v1
        kind: PolicyException
        metadata: {name: legacy-pods, namespace: prod}
        spec:
          policyRefs: [{name: require-team, kind: ValidatingPolicy}]
          matchConditions:
          - {name: legacy, expression: "object.metadata.name == 'legacy'"}
        """

    func apply(_ extra: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ApplyCommandTests.apply([
            "policy.yaml": Self.policy, "resources.yaml": Self.resources, "exception.yaml": Self.exception,
        ]) { directory in
            [
                "-p", directory.appendingPathComponent("policy.yaml").path, "-r",
                directory.appendingPathComponent("resources.yaml").path, "--exception",
                directory.appendingPathComponent("exception.yaml").path,
            ] + extra
        }
    }

    @Test func resultsAutogenAndExceptions() throws {
        let output = try apply(["-o", "json", "--fail-on-violation"])
        #expect(output.status == 1, "a pod and the deployment fail")
        let results = try #require(try JSONValue.parse(output.stdout)["results"]?.arrayValue)
        func result(_ name: String) -> JSONValue? { results.first { $0["resource"]?["name"]?.stringValue == name } }
        #expect(result("labelled")?["result"]?.stringValue == "pass")
        #expect(result("labelled")?["rule"]?.stringValue == "")
        #expect(result("bare")?["result"]?.stringValue == "fail")
        #expect(result("bare")?["message"]?.stringValue == "pod bare has no team label")
        #expect(result("bare")?["properties"]?["cel.validationIndex"]?.stringValue == "0")
        // Autogen: the Pod policy also checks the Deployment's pod template, with `object.metadata` rewritten to
        // the template's metadata, which has no name: Kyverno's message then reports the messageExpression error.
        #expect(result("web")?["result"]?.stringValue == "fail")
        #expect(
            result("web")?["message"]?.stringValue == "failed to evaluate message expression: no such key: name")
        #expect(result("legacy")?["result"]?.stringValue == "skip")
        #expect(result("legacy")?["rule"]?.stringValue == "exception")
        #expect(
            result("legacy")?["message"]?.stringValue == "rule is skipped due to policy exception: prod/legacy-pods")
    }

    /// `namespaceObject` is the Namespace given among the resources, whole (annotations included), with or
    /// without live calls (`--service-calls` wraps the provider).
    @Test(arguments: [[], ["--service-calls"]])
    func namespaceObjectIsTheGivenNamespace(_ extra: [String]) throws {
        let policy = """
            apiVersion: policies.kyverno.io/v1
            kind: ValidatingPolicy
            metadata: {name: namespace-owner}
            spec:
              matchConstraints:
                resourceRules:
                - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
              validations:
              - expression: "namespaceObject.metadata.?annotations.?owner.orValue('') == 'team-a'"
                message: "namespace has no owner"
            """
        let resources = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: owned, annotations: {owner: team-a}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: orphan}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: in-owned, namespace: owned}
            spec: {containers: [{name: c, image: nginx}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: in-orphan, namespace: orphan}
            spec: {containers: [{name: c, image: nginx}]}
            """
        let output = try ApplyCommandTests.apply(["policy.yaml": policy, "resources.yaml": resources]) { directory in
            [
                "-p", directory.appendingPathComponent("policy.yaml").path, "-r",
                directory.appendingPathComponent("resources.yaml").path, "-o", "json",
            ] + extra
        }
        let results = try #require(try JSONValue.parse(output.stdout)["results"]?.arrayValue, "\(output.stderr)")
        func result(_ name: String) -> String? {
            results.first { $0["resource"]?["name"]?.stringValue == name }?["result"]?.stringValue
        }
        #expect(result("in-owned") == "pass")
        #expect(result("in-orphan") == "fail")
    }

    @Test func reportsCarryKyvernosSource() throws {
        let output = try apply(["-o", "report"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("source: KyvernoValidatingPolicy"))
        #expect(output.stdout.contains("process: background scan"))
        #expect(output.stdout.contains("severity: high"))
    }
}
