import Foundation
import JSONValue
import PolicyEngine
import PolicyTesting
import Testing

/// Runs small `kyverno-test.yaml` files written here through the runner.
struct KyvernoTestRunnerTests {
    static let policy = """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: check-user
        spec:
          rules:
          - name: admins-only
            match:
              any:
              - resources:
                  kinds: [ConfigMap]
            validate:
              message: "only {{ request.userInfo.username }} may not"
              deny:
                conditions:
                  any:
                  - key: "{{ request.userInfo.username }}"
                    operator: NotEquals
                    value: admin
          - name: allowed-by-service
            match:
              any:
              - resources:
                  kinds: [ConfigMap]
            context:
            - name: decision
              apiCall:
                method: POST
                service:
                  url: https://authz.example.com/validate
            validate:
              message: "denied by the service"
              deny:
                conditions:
                  any:
                  - key: "{{ decision.allowed }}"
                    operator: Equals
                    value: false
        """

    /// A legacy test document (no apiVersion, `resource` and `status` in results) and a current one.
    static let tests = """
        name: legacy
        policies: [policy.yaml]
        resources: [resource.yaml]
        userinfo: user.yaml
        apiCallResponses:
        - method: POST
          url: https://authz.example.com/validate
          response: {statusCode: 200, body: {allowed: false}}
        results:
        - policy: check-user
          rule: admins-only
          resource: settings
          kind: ConfigMap
          status: pass
        - policy: check-user
          rule: allowed-by-service
          resource: settings
          kind: ConfigMap
          status: fail
        - policy: other
          rule: r
          resource: settings
          isMutatingPolicy: true
          result: pass
        """

    static func write(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-runner-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: root.appendingPathComponent(name)) }
        return root
    }

    @Test func resolvesUserInfoAndAPICallMocksRelativeToTheTestFile() async throws {
        let root = try Self.write([
            "kyverno-test.yaml": Self.tests, "policy.yaml": Self.policy,
            "resource.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\n",
            "user.yaml": "apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nuserInfo: {username: admin}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let files = try KyvernoTestRunner.testFiles(under: [root.path])
        #expect(files == [root.path + "/kyverno-test.yaml"])
        let records = await KyvernoTestRunner().run(testFile: files[0])
        #expect(records.map(\.status) == [.pass, .pass, .skip])
        #expect(records.map(\.actual) == ["pass", "fail", ""])
        #expect(records[2].reason == "unsupported: MutatingPolicy")
    }

    @Test func missingResourceFails() async throws {
        let test = """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            policies: [policy.yaml]
            resources: [resource.yaml]
            results:
            - {policy: check-user, rule: admins-only, resources: [absent], kind: ConfigMap, result: pass}
            """
        let root = try Self.write([
            "kyverno-test.yaml": test, "policy.yaml": Self.policy,
            "resource.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let records = await KyvernoTestRunner().run(testFile: root.path + "/kyverno-test.yaml")
        #expect(records.count == 1)
        #expect(records.first?.status == .fail)
        #expect(records.first?.reason == "resource not found")
    }

    @Test func missingPathThrows() {
        #expect(throws: KyvernoTestInputs.LoadError.self) {
            try KyvernoTestRunner.testFiles(under: ["/nonexistent/vigil-runner"])
        }
    }

    @Test func missingInputsAreSkippedNotPassed() async throws {
        let test = """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            policies: [policy.yaml]
            resources: [../.chainsaw-test/absent.yaml]
            results:
            - {policy: check-user, rule: admins-only, resources: [a, b], result: pass}
            """
        let root = try Self.write(["kyverno-test.yaml": test, "policy.yaml": Self.policy])
        defer { try? FileManager.default.removeItem(at: root) }
        let records = await KyvernoTestRunner().run(testFile: root.path + "/kyverno-test.yaml")
        #expect(records.map(\.status) == [.skip, .skip])
        #expect(records.allSatisfy { $0.reason == "input missing: \(root.path)/../.chainsaw-test/absent.yaml" })
    }

    @Test func exceptionsFromTheTestFileApply() async throws {
        let policy = """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata: {name: need-team}
            spec:
              rules:
              - name: team
                match: {any: [{resources: {kinds: [ConfigMap]}}]}
                validate: {message: "team required", pattern: {metadata: {labels: {team: "?*"}}}}
            """
        let exception = """
            apiVersion: kyverno.io/v2
            kind: PolicyException
            metadata: {name: old, namespace: default}
            spec:
              exceptions: [{policyName: need-team, ruleNames: [team]}]
              match: {any: [{resources: {kinds: [ConfigMap], names: [old-*]}}]}
            """
        let resources = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: old-settings, namespace: default}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: new-settings, namespace: default}
            """
        let test = """
            apiVersion: cli.kyverno.io/v1alpha1
            kind: Test
            policies: [policy.yaml]
            resources: [resources.yaml]
            exceptions: [exception.yaml]
            results:
            - {policy: need-team, rule: team, resources: [old-settings], result: skip}
            - {policy: need-team, rule: team, resources: [new-settings], result: fail}
            - {policy: absent, rule: team, resources: [new-settings], result: fail}
            """
        let root = try Self.write([
            "kyverno-test.yaml": test, "policy.yaml": policy, "exception.yaml": exception,
            "resources.yaml": resources,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let records = await KyvernoTestRunner().run(testFile: root.path + "/kyverno-test.yaml")
        #expect(records.map(\.status) == [.pass, .pass, .fail])
        #expect(records.map(\.actual) == ["skip", "fail", ""])
        #expect(records.last?.reason == "policy absent not found")
    }
}
