import Foundation
import JSONValue
import Testing

/// Runs `vigil apply` as a user would.
struct ApplyCommandTests {
    static let policy = """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: disallow-latest-tag
        spec:
          rules:
          - name: validate-image-tag
            match:
              any:
              - resources:
                  kinds: [Pod]
            validate:
              message: "Using a mutable image tag e.g. 'latest' is not allowed."
              pattern:
                spec:
                  containers:
                  - image: "!*:latest"
        ---
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: who-created
        spec:
          rules:
          - name: user
            match:
              any:
              - resources:
                  kinds: [Pod]
            validate:
              message: "created by {{ request.userInfo.username }}"
              deny: {}
        ---
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: broken
        spec:
          rules: []
        """

    static let resources = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: prod}
        spec:
          template:
            spec:
              containers: [{name: web, image: "nginx:latest"}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: pinned, namespace: prod}
        spec:
          containers: [{name: web, image: "nginx:1.25"}]
        """

    static let namespacedPolicy = """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: prod-needs-team
        spec:
          rules:
          - name: team
            match:
              any:
              - resources:
                  kinds: [ConfigMap]
                  namespaceSelector:
                    matchLabels: {env: prod}
            validate:
              message: "team label required"
              pattern:
                metadata:
                  labels:
                    team: "?*"
        """

    static let exception = """
        apiVersion: kyverno.io/v2
        kind: PolicyException
        metadata: {name: legacy-web, namespace: prod}
        spec:
          exceptions:
          - policyName: disallow-latest-tag
            ruleNames: [validate-image-tag, autogen-validate-image-tag]
          match:
            any:
            - resources:
                kinds: [Deployment]
                names: [web]
        """

    /// Writes the files into a fresh directory and runs `vigil apply` with `arguments(directory)`.
    static func apply(
        _ files: [String: String], _ arguments: (URL) -> [String]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-apply-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        let output = try VigilProcess.run(["apply"] + arguments(directory))
        return (output.status, output.stdout, output.stderr)
    }

    @Test func reportsResultsRefusalsAndInvalidPolicies() throws {
        let output = try Self.apply(["policies.yaml": Self.policy, "resources.yaml": Self.resources]) { directory in
            [
                directory.appendingPathComponent("policies.yaml").path, "-r",
                directory.appendingPathComponent("resources.yaml").path,
            ]
        }
        #expect(output.status == 2, "an invalid policy is bad input")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.contains { $0.hasPrefix("error: ") && $0.contains("policies.yaml: policy \"broken\" (document 2)") })
        #expect(
            lines.contains {
                $0.hasPrefix("note: policy who-created cannot run in background (rule user): only select variables")
            })
        let header = try #require(lines.first { $0.hasPrefix("POLICY") })
        #expect(
            header.split(separator: " ", omittingEmptySubsequences: true) == [
                "POLICY", "RULE", "RESOURCE", "RESULT", "MESSAGE",
            ])
        #expect(
            lines.contains {
                $0.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true).prefix(5).joined(separator: " ")
                    == "disallow-latest-tag autogen-validate-image-tag Deployment prod/web fail"
                    && $0.hasSuffix(
                        "validation error: Using a mutable image tag e.g. 'latest' is not allowed. rule autogen-validate-image-tag failed at path /spec/template/spec/containers/0/image/"
                    )
            })
        #expect(
            lines.contains {
                $0.contains("Pod prod/pinned") && $0.hasSuffix("validation rule 'validate-image-tag' passed.")
            })
        #expect(lines.last?.hasPrefix("2 policies, 2 resources;") == true)
    }

    @Test func exitStatusFollowsViolationsWhenAsked() throws {
        let valid = Self.policy.components(separatedBy: "---")[0]
        let files = ["policy.yaml": valid, "resources.yaml": Self.resources]
        func run(_ extra: [String]) throws -> Int32 {
            try Self.apply(files) { directory in
                [
                    "--policy", directory.appendingPathComponent("policy.yaml").path, "--resource",
                    directory.appendingPathComponent("resources.yaml").path,
                ] + extra
            }.status
        }
        #expect(try run([]) == 0)
        #expect(try run(["--fail-on-violation"]) == 1)
    }

    @Test func exceptionsSkipAndJSONCarriesThem() throws {
        let valid = Self.policy.components(separatedBy: "---")[0]
        let output = try Self.apply([
            "policy.yaml": valid, "resources.yaml": Self.resources, "exception.yaml": Self.exception,
        ]) {
            directory in
            [
                "-p", directory.appendingPathComponent("policy.yaml").path, "-r",
                directory.appendingPathComponent("resources.yaml").path, "--exception",
                directory.appendingPathComponent("exception.yaml").path, "-o", "json", "--fail-on-violation",
            ]
        }
        #expect(output.status == 0, "the only failure is excepted")
        let document = try JSONValue.parse(output.stdout)
        let results = try #require(document["results"]?.arrayValue)
        let web = try #require(results.first { $0["resource"]?["name"]?.stringValue == "web" })
        #expect(web["result"]?.stringValue == "skip")
        #expect(web["message"]?.stringValue == "rule is skipped due to policy exceptionsprod/legacy-web")
        #expect(web["properties"]?["exceptions"]?.stringValue == "legacy-web")
    }

    @Test func namespaceLabelsComeFromNamespacesOrTheLabelsFile() throws {
        let configMaps = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: prod}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b, namespace: dev}
            """
        let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {env: prod}}\n"
        let fromObjects = try Self.apply(
            ["p.yaml": Self.namespacedPolicy, "cm.yaml": configMaps, "ns.yaml": namespace]
        ) { directory in
            [
                "-p", directory.appendingPathComponent("p.yaml").path, "-r",
                directory.appendingPathComponent("cm.yaml").path,
                directory.appendingPathComponent("ns.yaml").path,
            ]
        }
        let fromFile = try Self.apply([
            "p.yaml": Self.namespacedPolicy, "cm.yaml": configMaps, "labels.yaml": "prod: {env: prod}\n",
        ]) {
            directory in
            [
                "-p", directory.appendingPathComponent("p.yaml").path, "-r",
                directory.appendingPathComponent("cm.yaml").path,
                "--namespace-labels", directory.appendingPathComponent("labels.yaml").path,
            ]
        }
        for output in [fromObjects, fromFile] {
            #expect(output.status == 0)
            #expect(output.stdout.contains("ConfigMap prod/a"))
            #expect(!output.stdout.contains("ConfigMap dev/b"), "dev has no env=prod label")
        }
    }

    @Test func badInputIsReportedWithFileAndDocument() throws {
        let resources = """
            apiVersion: v1
            kind: Pod
            metadata: {name: ok, namespace: prod}
            spec: {containers: [{name: c, image: "nginx:1"}]}
            ---
            just: a map
            ---
            - a list
            """
        let valid = Self.policy.components(separatedBy: "---")[0]
        let output = try Self.apply(["policy.yaml": valid, "r.yaml": resources, "broken.yaml": "a: [b\n"]) {
            directory in
            [
                "-p", directory.appendingPathComponent("policy.yaml").path,
                directory.appendingPathComponent("broken.yaml").path,
                "-r", directory.appendingPathComponent("r.yaml").path, "-o", "yaml",
            ]
        }
        #expect(output.status == 2)
        #expect(output.stdout.contains("r.yaml (document 1): not a Kubernetes object: apiVersion is missing"))
        #expect(output.stdout.contains("r.yaml (document 2): not a Kubernetes object: a array, not an object"))
        #expect(output.stdout.contains("broken.yaml"))
        #expect(output.stdout.contains("result: pass"), "the good resource is still evaluated")
    }
}
