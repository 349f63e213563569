import Foundation
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

    @Test func reportsResultsRefusalsAndInvalidPolicies() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-apply-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let policyFile = directory.appendingPathComponent("policies.yaml")
        let resourceFile = directory.appendingPathComponent("resources.yaml")
        try Data(Self.policy.utf8).write(to: policyFile)
        try Data(Self.resources.utf8).write(to: resourceFile)
        let output = try VigilProcess.run(["apply", policyFile.path, "-r", resourceFile.path])
        #expect(output.status == 1, "an invalid policy makes the command fail")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("invalid policy in \(policyFile.path): policy \"broken\"") })
        #expect(
            lines.contains {
                $0.hasPrefix("policy who-created cannot run in background (rule user): only select variables")
            })
        #expect(
            lines.contains(
                "FAIL Deployment prod/web: policy disallow-latest-tag rule autogen-validate-image-tag: validation error: Using a mutable image tag e.g. 'latest' is not allowed. rule autogen-validate-image-tag failed at path /spec/template/spec/containers/0/image/"
            ))
        #expect(
            lines.contains(
                "PASS Pod prod/pinned: policy disallow-latest-tag rule validate-image-tag: validation rule 'validate-image-tag' passed."
            ))
        #expect(lines.last?.hasPrefix("2 policies, 2 resources;") == true)
    }
}
