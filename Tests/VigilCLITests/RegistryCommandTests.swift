import Foundation
import RegistryTestSupport
import Testing

/// `vigil apply --registry` and `vigil test --registry` against real registries: the seed policy
/// (preconditions on `imageData.resolvedImage`) and a `catchError` variant, for every failure class.
@Suite(.enabled(if: LocalRegistry.toolsAvailable, Comment(rawValue: LocalRegistry.missingToolsMessage)))
struct RegistryCommandTests {
    static let policies = """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: no-root
          annotations: {pod-policies.kyverno.io/autogen-controllers: none}
        spec:
          background: true
          rules:
          - name: check-user
            match:
              any:
              - resources: {kinds: [Pod]}
            context:
            - name: imageData
              imageRegistry:
                reference: "{{ request.object.spec.containers[0].image }}"
            preconditions:
              all:
              - key: "{{ imageData.resolvedImage || '' }}"
                operator: NotEquals
                value: ""
            validate:
              message: "{{ imageData.resolvedImage }} runs as root"
              deny:
                conditions:
                  any:
                  - key: "{{ imageData.configData.config.User || '' }}"
                    operator: AnyIn
                    value: ["", "0", "root"]
        ---
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: no-root-caught
          annotations: {pod-policies.kyverno.io/autogen-controllers: none}
        spec:
          background: true
          rules:
          - name: check-user
            match:
              any:
              - resources: {kinds: [Pod]}
            context:
            - name: imageData
              imageRegistry:
                reference: "{{ request.object.spec.containers[0].image }}"
                catchError: true
            preconditions:
              all:
              - key: "{{ imageData.failed }}"
                operator: Equals
                value: false
            validate:
              message: "{{ imageData.resolvedImage }} runs as root"
              deny:
                conditions:
                  any:
                  - key: "{{ imageData.configData.config.User || '' }}"
                    operator: AnyIn
                    value: ["", "0", "root"]
        """

    static func pod(_ name: String, _ image: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: default}
        spec:
          containers: [{name: c, image: "\(image)"}]
        """
    }

    struct Workspace {
        let directory: URL
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-registry-cli-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
    }

    func fixture() throws -> RegistryFixture {
        switch RegistryFixture.shared {
        case .success(let fixture): return fixture
        case .failure(let error):
            Issue.record("\(error)")
            throw error
        }
    }

    /// The result line of one policy for one Pod, e.g. `FAIL Pod default/root: policy no-root rule check-user: …`.
    func line(_ lines: [String], _ status: String, pod: String, policy: String) -> String? {
        lines.first { $0.hasPrefix("\(status) Pod default/\(pod): policy \(policy) rule check-user:") }
    }

    @Test func applyAgainstLiveRegistriesForEveryOutcome() throws {
        let fixture = try fixture()
        let silent = try FreePort.SilentListener()
        let closed = try FreePort.reserve()
        let workspace = try Workspace()
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        let plain = fixture.plain.host
        let pods: [(String, String)] = [
            ("root", "\(plain)/app:1.0"),
            ("nonroot", "\(plain)/app:nonroot"),
            ("bydigest", "\(plain)/app@\(fixture.nonRootDigest)"),
            ("multi", "\(plain)/multi:1.0"),
            ("missingtag", "\(plain)/app:missing"),
            ("missingrepo", "\(plain)/nothing:1.0"),
            ("private", "\(fixture.auth.host)/private:1.0"),
            ("secure", "\(fixture.secure.host)/app:1.0"),
            ("closed", "127.0.0.1:\(closed)/app:1.0"),
            ("silent", "127.0.0.1:\(silent.port)/app:1.0"),
            ("nxdomain", "nonexistent.invalid/app:1.0"),
        ]
        let policyFile = try workspace.write("policies.yaml", Self.policies)
        let resourceFile = try workspace.write(
            "pods.yaml", pods.map { Self.pod($0.0, $0.1) }.joined(separator: "\n---\n"))
        let good = try workspace.write("good.json", fixture.dockerConfig())
        let bad = try workspace.write("bad.json", fixture.dockerConfig(password: "wrong"))
        let common = [
            "apply", policyFile, "-r", resourceFile, "-o", "json", "--registry", "--insecure-registry", plain,
            "--insecure-registry", fixture.auth.host, "--insecure-registry", "127.0.0.1:\(silent.port)",
            "--registry-timeout", "1",
        ]
        let trusted = try VigilProcess.run(
            common + ["--registry-credentials", good, "--registry-ca", fixture.certificates.caCertificate.path])
        let lines = try ApplyResultLines.lines(trusted.stdout)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        for policy in ["no-root", "no-root-caught"] {
            #expect(
                line(lines, "FAIL", pod: "root", policy: policy)?.contains(
                    "\(plain)/app@\(fixture.appDigest) runs as root") == true)
            #expect(line(lines, "PASS", pod: "nonroot", policy: policy) != nil)
            #expect(line(lines, "PASS", pod: "bydigest", policy: policy) != nil)
            #expect(line(lines, "FAIL", pod: "multi", policy: policy)?.contains("@\(fixture.multiDigest)") == true)
            #expect(line(lines, "FAIL", pod: "private", policy: policy) != nil)
            #expect(line(lines, "FAIL", pod: "secure", policy: policy) != nil)
        }
        let failures: [(String, String, String)] = [
            ("missingtag", "\(plain)/app:missing", "not-found"), ("missingrepo", "\(plain)/nothing:1.0", "not-found"),
            ("closed", "127.0.0.1:\(closed)/app:1.0", "unreachable"),
            ("silent", "127.0.0.1:\(silent.port)/app:1.0", "timeout"),
            ("nxdomain", "nonexistent.invalid/app:1.0", "unreachable"),
        ]
        for (pod, image, errorClass) in failures {
            let error = line(lines, "ERROR", pod: pod, policy: "no-root")
            #expect(
                error?.contains(
                    "rule check-user: failed to load context: failed to fetch image descriptor: \(image), error: \(errorClass): "
                ) == true, "\(pod): \(error ?? "no error line")")
            #expect(line(lines, "SKIP", pod: pod, policy: "no-root-caught")?.contains("preconditions not met") == true)
        }

        let untrusted = try VigilProcess.run(common + ["--registry-credentials", bad])
        let refused = try ApplyResultLines.lines(untrusted.stdout)
        #expect(
            line(refused, "ERROR", pod: "private", policy: "no-root")?.contains(
                "failed to fetch image descriptor: \(fixture.auth.host)/private:1.0, error: unauthorized: ") == true)
        #expect(
            line(refused, "ERROR", pod: "secure", policy: "no-root")?.contains(
                "failed to fetch image descriptor: \(fixture.secure.host)/app:1.0, error: tls: ") == true)
        #expect(line(refused, "SKIP", pod: "private", policy: "no-root-caught") != nil)
        #expect(line(refused, "SKIP", pod: "secure", policy: "no-root-caught") != nil)

        // Without --registry, imageRegistry entries are not looked up: the rule errors as unavailable.
        let offline = try VigilProcess.run(["apply", policyFile, "-r", resourceFile, "-o", "json"])
        let offlineLines = try ApplyResultLines.lines(offline.stdout)
        #expect(line(offlineLines, "ERROR", pod: "root", policy: "no-root")?.contains("no registry data") == true)
    }

    @Test func thousandPodsOnADeadRegistryGiveThousandErrors() throws {
        let closed = try FreePort.reserve()
        let workspace = try Workspace()
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        let policyFile = try workspace.write("policies.yaml", Self.policies)
        let pods = (0..<1000).map { Self.pod("p\($0)", "127.0.0.1:\(closed)/app-\($0):1.0") }
        let resourceFile = try workspace.write("pods.yaml", pods.joined(separator: "\n---\n"))
        let output = try VigilProcess.run(["apply", policyFile, "-r", resourceFile, "--registry", "-o", "json"])
        let lines = try ApplyResultLines.lines(output.stdout)
        let errors = lines.filter { $0.hasPrefix("ERROR Pod default/p") && $0.contains("policy no-root rule") }
        #expect(errors.count == 1000)
        #expect(errors.allSatisfy { $0.contains("error: unreachable: ") })
        // After a few refused connections the breaker answers without touching the network.
        #expect(errors.filter { $0.contains("circuit open") }.count >= 990)
        #expect(lines.filter { $0.hasPrefix("ERROR ") }.count == 1000)
        #expect(lines.filter { $0.hasPrefix("SKIP ") }.count == 1000)
    }

    @Test func testCommandUsesValuesMocksOrTheLiveRegistry() throws {
        let fixture = try fixture()
        let workspace = try Workspace()
        defer { try? FileManager.default.removeItem(at: workspace.directory) }
        _ = try workspace.write("policy.yaml", Self.policies)
        _ = try workspace.write(
            "resources.yaml",
            Self.pod("root", "\(fixture.plain.host)/app:1.0") + "\n---\n"
                + Self.pod("nonroot", "\(fixture.plain.host)/app:nonroot"))
        _ = try workspace.write(
            "kyverno-test.yaml",
            """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            metadata: {name: registry}
            policies: [policy.yaml]
            resources: [resources.yaml]
            results:
            - {policy: no-root, rule: check-user, resources: [root], kind: Pod, result: fail}
            - {policy: no-root, rule: check-user, resources: [nonroot], kind: Pod, result: pass}
            """)
        let live = try VigilProcess.run(
            ["test", workspace.directory.path, "--registry", "--insecure-registry", fixture.plain.host])
        #expect(live.status == 0, "\(live.stdout)")
        #expect(live.stdout.contains("Test summary: 2 passed, 0 failed"))
        let offline = try VigilProcess.run(["test", workspace.directory.path])
        #expect(offline.status == 1, "without --registry the lookups fail, so the results differ")

        // Values-file mocks answer imageRegistry entries without --registry.
        let mocks = try Workspace()
        defer { try? FileManager.default.removeItem(at: mocks.directory) }
        _ = try mocks.write("policy.yaml", Self.policies)
        _ = try mocks.write("resources.yaml", Self.pod("root", "ghcr.io/x/app:1.0"))
        _ = try mocks.write(
            "values.yaml",
            """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Values
            policies:
            - name: no-root
              rules:
              - name: check-user
                values:
                  imageData.resolvedImage: ghcr.io/x/app@sha256:1
                  imageData.configData.config.User: "0"
            """)
        _ = try mocks.write(
            "kyverno-test.yaml",
            """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            metadata: {name: mocks}
            policies: [policy.yaml]
            resources: [resources.yaml]
            variables: values.yaml
            results:
            - {policy: no-root, rule: check-user, resources: [root], kind: Pod, result: fail}
            """)
        let mocked = try VigilProcess.run(["test", mocks.directory.path])
        #expect(mocked.status == 0, "\(mocked.stdout)")
        #expect(mocked.stdout.contains("Test summary: 1 passed, 0 failed"))
    }
}
