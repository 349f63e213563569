import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct AutogenTests {
    static let podRule = """
        [{"name": "require-run-as-non-root",
          "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
          "preconditions": {"all": [{"key": "{{ request.object.metadata.name }}", "operator": "NotEquals", "value": ""}]},
          "validate": {"message": "Pod {{ request.object.metadata.name }} must not run as root",
                       "pattern": {"spec": {"=(securityContext)": {"=(runAsNonRoot)": true}}}}}]
        """

    @Test func generatesControllerAndCronJobRules() throws {
        let compiled = try CompiledPolicy(policy(clusterPolicy(rules: Self.podRule)))
        #expect(
            compiled.rules.map(\.name) == [
                "require-run-as-non-root", "autogen-require-run-as-non-root",
                "autogen-cronjob-require-run-as-non-root",
            ])
        let controller = compiled.rules[1]
        #expect(
            controller.match.any[0].resources.kinds == [
                "apps/v1/DaemonSet", "apps/v1/Deployment", "batch/v1/Job", "apps/v1/ReplicaSet",
                "v1/ReplicationController", "apps/v1/StatefulSet",
            ])
        #expect(
            controller.validation?.pattern
                == jsonValue(#"{"spec": {"template": {"spec": {"=(securityContext)": {"=(runAsNonRoot)": true}}}}}"#))
        #expect(
            controller.validation?.message
                == "Pod {{ request.object.spec.template.metadata.name }} must not run as root")
        #expect(
            controller.preconditions?.conditions.first?.key
                == .string("{{ request.object.spec.template.metadata.name }}"))
        let cronJob = compiled.rules[2]
        #expect(cronJob.match.any[0].resources.kinds == ["batch/v1/CronJob"])
        #expect(
            cronJob.validation?.pattern
                == jsonValue(
                    #"{"spec": {"jobTemplate": {"spec": {"template": {"spec": {"=(securityContext)": {"=(runAsNonRoot)": true}}}}}}}"#
                ))
        #expect(
            cronJob.validation?.message
                == "Pod {{ request.object.spec.jobTemplate.spec.template.metadata.name }} must not run as root")
    }

    @Test func annotationSelectsControllers() throws {
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: Self.podRule,
                    annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "Deployment,StatefulSet"}"#)))
        #expect(compiled.rules.map(\.name) == ["require-run-as-non-root", "autogen-require-run-as-non-root"])
        #expect(compiled.rules[1].match.any[0].resources.kinds == ["apps/v1/Deployment", "apps/v1/StatefulSet"])
    }

    @Test func annotationNoneDisablesAutogen() throws {
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: Self.podRule, annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "none"}"#)))
        #expect(compiled.rules.map(\.name) == ["require-run-as-non-root"])
    }

    @Test(arguments: [
        #"{"any": [{"resources": {"kinds": ["Pod"], "names": ["web-*"]}}]}"#,
        #"{"any": [{"resources": {"kinds": ["Pod"], "selector": {"matchLabels": {"app": "x"}}}}]}"#,
        #"{"any": [{"resources": {"kinds": ["Pod"], "annotations": {"a": "b"}}}]}"#,
        #"{"any": [{"resources": {"kinds": ["Pod", "Deployment"]}}]}"#,
        #"{"any": [{"resources": {"kinds": ["ConfigMap"]}}]}"#,
        #"{"resources": {"kinds": ["Pod"], "name": "web"}}"#,
    ])
    func skippedWhenMatchCannotApplyToControllers(match: String) throws {
        let rules = #"[{"name": "r", "match": \#(match), "validate": {"pattern": {"spec": {}}}}]"#
        let compiled = try CompiledPolicy(policy(clusterPolicy(rules: rules)))
        #expect(compiled.rules.map(\.name) == ["r"])
    }

    @Test func skippedEvenWithAnnotationWhenSelectorIsUsed() throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"], "selector": {"matchLabels": {"a": "b"}}}}]},
              "validate": {"pattern": {"spec": {}}}}]
            """
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: rules, annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "Deployment"}"#)))
        #expect(compiled.rules.count == 1)
    }

    @Test func longNamesAreTruncatedTo63Characters() throws {
        let name = String(repeating: "a", count: 60)
        let rules =
            #"[{"name": "\#(name)", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"pattern": {"spec": {}}}}]"#
        let compiled = try CompiledPolicy(policy(clusterPolicy(rules: rules)))
        #expect(compiled.rules[1].name == String(("autogen-" + name).prefix(63)))
        #expect(compiled.rules[2].name == String(("autogen-cronjob-" + name).prefix(63)))
    }

    @Test func anyPatternAndExcludeAreRewritten() throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "exclude": {"any": [{"resources": {"kinds": ["Pod"], "namespaces": ["kube-system"]}}]},
              "validate": {"anyPattern": [{"spec": {"a": 1}}, {"spec": {"b": 2}}]}}]
            """
        let compiled = try CompiledPolicy(policy(clusterPolicy(rules: rules)))
        let controller = compiled.rules[1]
        #expect(controller.exclude?.any[0].resources.kinds.count == 6)
        #expect(controller.exclude?.any[0].resources.namespaces == ["kube-system"])
        #expect(controller.validation?.anyPattern?[1] == jsonValue(#"{"spec": {"template": {"spec": {"b": 2}}}}"#))
        #expect(compiled.rules[2].exclude?.any[0].resources.kinds == ["batch/v1/CronJob"])
    }
}
