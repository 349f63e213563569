import Foundation
import RegistryTestSupport
import Testing

/// `vigil apply` with external data: `--mocks` (API call responses and GlobalContextEntries, as a Kyverno
/// test file gives them) and `--service-calls` against a real HTTPS JSON service on 127.0.0.1.
@Suite(.serialized) struct ServiceCallCommandTests {
    static let service = Result { try JSONService() }

    /// A Pod policy whose rule reads the context entry `entry` (YAML) and fails when `{{ value }}` equals
    /// `denied`, with the message `value {{ value }}`.
    static func policy(_ name: String, entry: String, denied: String) -> String {
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
            match:
              any:
              - resources: {kinds: [Pod]}
            context:
            - name: value
        \(entry.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
            validate:
              message: "value {{ value }}"
              deny:
                conditions:
                  any:
                  - key: "{{ value }}"
                    operator: Equals
                    value: \(denied)
        """
    }

    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: default}
        spec:
          containers: [{name: c, image: "nginx:1.27"}]
        """

    func write(_ directory: URL, _ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func workspace() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-service-cli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The result line of `policy` for the Pod.
    func line(_ lines: [String], policy: String) -> String? {
        lines.first { $0.contains("Pod default/web: policy \(policy) rule r:") }
    }

    @Test func mocksAnswerServiceCallsAndGlobalContextEntries() throws {
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policies = [
            Self.policy(
                "svc",
                entry: """
                    apiCall:
                      service: {url: "https://example.invalid/check"}
                      jmesPath: verdict
                    """, denied: "deny"),
            Self.policy(
                "gce",
                entry: """
                    globalReference:
                      name: deployments
                      jmesPath: "names | length(@)"
                    """, denied: "2"),
            Self.policy(
                "missing",
                entry: """
                    globalReference:
                      name: nothing
                    """, denied: "x"),
        ]
        let policyFile = try write(directory, "policies.yaml", policies.joined(separator: "\n---\n"))
        let resourceFile = try write(directory, "pod.yaml", Self.pod)
        let mocks = try write(
            directory, "mocks.yaml",
            """
            apiCallResponses:
            - url: https://example.invalid/check
              method: GET
              response:
                body: {verdict: deny}
            globalContextEntries:
            - name: deployments
              resources:
              - {apiVersion: apps/v1, kind: Deployment, metadata: {name: a, namespace: default}}
              - {apiVersion: apps/v1, kind: Deployment, metadata: {name: b, namespace: default}}
              projections:
              - name: names
                path: "[].metadata.name"
            """)
        let output = try VigilProcess.run(
            ["apply", policyFile, "-r", resourceFile, "--mocks", mocks, "-o", "json"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = try ApplyResultLines.lines(output.stdout)
        #expect(line(lines, policy: "svc")?.hasPrefix("FAIL") == true)
        #expect(line(lines, policy: "svc")?.hasSuffix("value deny") == true)
        #expect(line(lines, policy: "gce")?.hasSuffix("value 2") == true)
        #expect(line(lines, policy: "missing")?.hasPrefix("ERROR") == true)
        #expect(line(lines, policy: "missing")?.contains("global context entry nothing not found") == true)

        let unmocked = try VigilProcess.run(["apply", policyFile, "-r", resourceFile, "-o", "json"])
        let unmockedLines = try ApplyResultLines.lines(unmocked.stdout)
        #expect(line(unmockedLines, policy: "svc")?.hasPrefix("ERROR") == true)
        #expect(line(unmockedLines, policy: "gce")?.hasPrefix("ERROR") == true)
    }

    @Test func serviceCallsReachALiveServiceWithItsCABundle() throws {
        let service = try Self.service.get()
        let directory = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = service.caBundle.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        func call(_ path: String) -> String {
            """
            apiCall:
              method: POST
              service:
                url: "\(service.baseURL)\(path)"
                caBundle: |
            \(ca)
              data:
              - key: image
                value: "{{ request.object.spec.containers[0].image }}"
              jmesPath: body.image
            """
        }
        let policies = [
            Self.policy("echo", entry: call("/echo"), denied: "nginx:1.27"),
            Self.policy("hang", entry: call("/hang"), denied: "x"),
            Self.policy("big", entry: call("/big"), denied: "x"),
        ]
        let policyFile = try write(directory, "policies.yaml", policies.joined(separator: "\n---\n"))
        let resourceFile = try write(directory, "pod.yaml", Self.pod)
        let output = try VigilProcess.run(
            [
                "apply", policyFile, "-r", resourceFile, "-o", "json", "--service-calls", "--api-call-timeout", "1s",
                "--max-api-call-response-length", "1000",
            ])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = try ApplyResultLines.lines(output.stdout)
        #expect(line(lines, policy: "echo")?.hasPrefix("FAIL") == true)
        #expect(line(lines, policy: "echo")?.hasSuffix("value nginx:1.27") == true)
        #expect(line(lines, policy: "hang")?.hasPrefix("ERROR") == true)
        #expect(line(lines, policy: "hang")?.contains("apiCallTimeout") == true)
        #expect(line(lines, policy: "big")?.hasPrefix("ERROR") == true)
        #expect(line(lines, policy: "big")?.contains("max allowed response length of 1000") == true)

        let bad = try VigilProcess.run(
            ["apply", policyFile, "-r", resourceFile, "--service-calls", "--api-call-timeout", "soon"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--api-call-timeout"))
    }
}
