import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct BackgroundCheckTests {
    private func compile(_ rules: String) throws -> CompiledPolicy {
        try CompiledPolicy(policy(clusterPolicy(rules: rules)))
    }

    @Test(arguments: [
        "{{request.userInfo.username}}", "{{ serviceAccountName }}", "{{serviceAccountNamespace}}",
        "{{ request.roles }}", "{{request.clusterRoles}}",
    ])
    func userVariablesAreRefused(variable: String) throws {
        let compiled = try compile(
            """
            [{"name": "check-user", "match": {"any": [{"resources": {"kinds": ["ConfigMap"]}}]},
              "validate": {"message": "user \(variable)", "deny": {}}}]
            """)
        #expect(!compiled.runsInBackground)
        let violation = try #require(compiled.backgroundViolations.first)
        #expect(violation.rule == "check-user")
        #expect(violation.subject == variable)
        #expect(
            violation.message
                == "only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: variable \(variable) is not allowed "
        )
    }

    @Test func objectFieldsNamedLikeUserVariablesAreAllowed() throws {
        let compiled = try compile(
            """
            [{"name": "sa", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "{{ request.object.spec.serviceAccountName }} in {{request.namespace}}", "deny": {}}}]
            """)
        #expect(compiled.backgroundViolations.isEmpty)
        #expect(compiled.runsInBackground)
    }

    @Test func rolesInMatchAreRefusedWithTheirPath() throws {
        let compiled = try compile(
            """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["ConfigMap"]}}, {"clusterRoles": ["admin"]}]},
              "validate": {"deny": {}}}]
            """)
        let violation = try #require(compiled.backgroundViolations.first)
        #expect(violation.subject == "spec/rules[0]/match/any[1]/clusterRoles")
        #expect(violation.message.hasSuffix("invalid variable used at path: spec/rules[0]/match/any[1]/clusterRoles "))
    }

    @Test func backgroundFalseDoesNotRun() throws {
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules:
                        #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["ConfigMap"]}}]}, "validate": {"deny": {}}}]"#,
                    spec: #""background": false"#)))
        #expect(compiled.backgroundViolations.isEmpty)
        #expect(!compiled.runsInBackground)
    }
}
