import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct PolicyEvaluatorTests {
    let evaluator = PolicyEvaluator(queries: .kyverno())

    func evaluate(
        _ rules: String, resource: JSONValue, annotations: String = "{}",
        provider: any ContextProvider = EmptyContextProvider()
    ) async throws -> [RuleResult] {
        let compiled = try CompiledPolicy(policy(clusterPolicy(rules: rules, annotations: annotations)))
        return await evaluator.evaluate(compiled, resource: resource, provider: provider).results
    }

    let nginx = pod(
        labels: #"{"app": "web"}"#,
        spec:
            #"{"containers": [{"name": "web", "image": "nginx:latest"}, {"name": "side", "image": "ghcr.io/org/side@sha256:0123456789012345678901234567890123456789012345678901234567890123"}]}"#
    )

    @Test func passAndFailMessages() async throws {
        let rules = """
            [{"name": "no-latest", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "Using a mutable image tag e.g. 'latest' is not allowed",
                           "pattern": {"spec": {"containers": [{"image": "!*:latest"}]}}}},
             {"name": "has-app", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"pattern": {"metadata": {"labels": {"app": "?*"}}}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(
            results == [
                RuleResult(
                    ruleName: "no-latest", status: .fail,
                    message:
                        "validation error: Using a mutable image tag e.g. 'latest' is not allowed. rule no-latest failed at path /spec/containers/0/image/"
                ),
                RuleResult(ruleName: "has-app", status: .pass, message: "validation rule 'has-app' passed."),
            ])
    }

    @Test func variablesInMessagesAndPatterns() async throws {
        let rules = """
            [{"name": "name-label", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "{{ request.object.metadata.name }} in {{request.namespace}} needs app={{ request.object.metadata.name }}",
                           "pattern": {"metadata": {"labels": {"app": "{{ request.object.metadata.name }}"}}}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(
            results.first?.message
                == "validation error: nginx in default needs app=nginx. rule name-label failed at path /metadata/labels/app/"
        )
    }

    @Test func unresolvedVariableIsAnError() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"pattern": {"metadata": {"name": "{{ request.object.metadata.annotations.owner }}"}}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(results.first?.status == .error)
        #expect(
            results.first?.message
                == "variable substitution failed: failed to resolve request.object.metadata.annotations.owner at path /metadata/name: JMESPath query failed: Unknown key \"annotations\" in path"
        )
    }

    @Test func escapedVariablesStayLiteral() async throws {
        let rules = #"""
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "literal \\{{ x }} and {{ request.object.kind }}", "deny": {}}}]
            """#
        let results = try await evaluate(rules, resource: nginx)
        #expect(results.first?.message == "literal {{ x }} and Pod")
    }

    @Test func preconditionsSkipWithMessage() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "preconditions": {"all": [{"key": "{{ request.object.metadata.labels.app }}", "operator": "Equals", "value": "db", "message": "not a database"}]},
              "validate": {"deny": {}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(results == [RuleResult(ruleName: "r", status: .skip, message: "preconditions not met; not a database")])
    }

    @Test func denyConditionsWithContextVariable() async throws {
        let rules = """
            [{"name": "count", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "context": [{"name": "containerCount", "variable": {"jmesPath": "length(request.object.spec.containers)"}}],
              "validate": {"message": "at most one container, found {{ containerCount }}",
                           "deny": {"conditions": {"any": [{"key": "{{ containerCount }}", "operator": "GreaterThan", "value": 1}]}}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(results == [RuleResult(ruleName: "count", status: .fail, message: "at most one container, found 2")])
    }

    @Test func contextFailureIsAnErrorResult() async throws {
        let rules = """
            [{"name": "cm", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "context": [{"name": "settings", "configMap": {"name": "settings", "namespace": "kyverno"}}],
              "validate": {"deny": {}}},
             {"name": "other", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {"kind": "Pod"}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(results.map(\.status) == [.error, .pass])
        #expect(
            results[0].message
                == "failed to load context: failed to retrieve config map for context entry settings: failed to get configmap kyverno/settings : configmaps \"settings\" not found"
        )
    }

    @Test func foreachReportsTheFailingElement() async throws {
        let rules = """
            [{"name": "registries", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "image {{ element.image }} is not from ghcr.io",
                           "foreach": [{"list": "request.object.spec.containers",
                                        "deny": {"conditions": {"all": [{"key": "{{ images.containers.\\"{{element.name}}\\".registry }}", "operator": "NotEquals", "value": "ghcr.io"}]}}}]}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(
            results == [
                RuleResult(
                    ruleName: "registries", status: .fail,
                    message: "validation failure: image nginx:latest is not from ghcr.io")
            ])
    }

    @Test func foreachPatternUsesTheElementAndMissingListIsSkipped() async throws {
        let rules = """
            [{"name": "names", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"foreach": [{"list": "request.object.spec.initContainers", "pattern": {"name": "x"}},
                                       {"list": "request.object.spec.containers", "pattern": {"name": "?*"}}]}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(results == [RuleResult(ruleName: "names", status: .pass, message: "rule passed")])
    }

    @Test func imagesVariable() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "{{ images.containers.web.registry }}/{{ images.containers.web.path }}:{{ images.containers.web.tag }} {{ images.containers.side.registry }} {{ images.containers.side.name }} {{ images.containers.side.digest }}", "deny": {}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(
            results.first?.message
                == "docker.io/nginx:latest ghcr.io side sha256:0123456789012345678901234567890123456789012345678901234567890123"
        )
    }

    @Test func autogenRuleEvaluatesDeployments() async throws {
        let rules = """
            [{"name": "no-latest", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "no latest in {{ request.object.metadata.name }}",
                           "pattern": {"spec": {"containers": [{"image": "!*:latest"}]}}}}]
            """
        let deployment = jsonValue(
            """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
             "spec": {"template": {"metadata": {"name": "tmpl"}, "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]}}}}
            """)
        let results = try await evaluate(rules, resource: deployment)
        #expect(
            results == [
                RuleResult(
                    ruleName: "autogen-no-latest", status: .fail,
                    message:
                        "validation error: no latest in tmpl. rule autogen-no-latest failed at path /spec/template/spec/containers/0/image/"
                )
            ])
    }

    @Test func anyPatternMessages() async throws {
        let rules = """
            [{"name": "probes", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "need a probe",
                           "anyPattern": [{"spec": {"containers": [{"livenessProbe": {}}]}},
                                          {"spec": {"containers": [{"readinessProbe": {}}]}}]}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        #expect(
            results.first?.message
                == "validation error: need a probe. rule probes[0] failed at path /spec/containers/0/livenessProbe/ rule probes[1] failed at path /spec/containers/0/readinessProbe/"
        )
    }

    @Test func reportPropertiesOverrideMessagesAndScoring() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "reportProperties": {"failMessage": "pod {{ request.object.metadata.name }} failed", "owner": "team"},
              "validate": {"deny": {}}}]
            """
        let results = try await evaluate(rules, resource: nginx)
        let result = try #require(results.first)
        #expect(result.properties == ["failMessage": "pod nginx failed", "owner": "team"])
        #expect(result.reportMessage(scored: true) == "pod nginx failed")
        #expect(result.reportStatus(scored: false) == .warn)
    }

    @Test func nonMatchingRulesProduceNoResult() async throws {
        let rules =
            #"[{"name": "r", "match": {"any": [{"resources": {"kinds": ["Service"]}}]}, "validate": {"deny": {}}}]"#
        #expect(try await evaluate(rules, resource: nginx).isEmpty)
    }
}
