import Failures
import JSONValue
import Testing

@testable import PolicyEngine

/// Namespaces and parameter objects by API path (`/api/v1/namespaces/ns/configmaps/name`, or the list path).
private struct ParamsProvider: ContextProvider {
    var namespaces: [String: JSONValue] = [:]
    var objects: [String: JSONValue] = [:]

    func namespaceLabels(namespace: String) async throws -> [String: String] {
        namespaces[namespace].map { ResourceIdentity($0).labels } ?? [:]
    }
    func namespaceObject(name: String) async throws -> JSONValue? { namespaces[name] }
    func configMap(namespace: String, name: String) async throws -> JSONValue {
        throw ContextProviderError(.notFound, "configmaps \"\(name)\" not found")
    }
    func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        let path = request.urlPath ?? ""
        if let object = objects[path] { return object }
        let items = objects.filter { $0.key.hasPrefix(path + "/") }.sorted { $0.key < $1.key }.map(\.value)
        if !items.isEmpty { return ["kind": "List", "items": .array(items)] }
        throw ContextProviderError(.notFound, "\(path) not found")
    }
    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "no registry")
    }
    func globalReference(name: String) async throws -> JSONValue {
        throw ContextProviderError(.notFound, "no entry")
    }
}

@Suite struct ValidatingAdmissionPolicyEvaluatorTests {
    static func vap(_ spec: String, name: String = "replicas", labels: String = "{}") throws
        -> CompiledValidatingAdmissionPolicy
    {
        CompiledValidatingAdmissionPolicy(
            try ValidatingAdmissionPolicyDecoder.decodePolicy(
                jsonValue(
                    """
                    {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
                     "metadata": {"name": "\(name)", "labels": \(labels)}, "spec": \(spec)}
                    """)))
    }

    static func binding(_ name: String, _ spec: String) throws -> ValidatingAdmissionPolicyBinding {
        try ValidatingAdmissionPolicyDecoder.decodeBinding(
            jsonValue(
                """
                {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
                 "metadata": {"name": "\(name)"}, "spec": \(spec)}
                """))
    }

    static let deploymentRules = """
        "matchConstraints": {"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"],
          "operations": ["CREATE", "UPDATE"], "resources": ["deployments"]}]}
        """

    static func deployment(_ name: String, namespace: String = "default", replicas: Int, labels: String = "{}")
        -> JSONValue
    {
        jsonValue(
            """
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "\(name)", "namespace": "\(namespace)", "labels": \(labels)},
             "spec": {"replicas": \(replicas)}}
            """)
    }

    func results(
        _ policy: CompiledValidatingAdmissionPolicy, _ resource: JSONValue,
        bindings: [ValidatingAdmissionPolicyBinding] = [], provider: any ContextProvider = ParamsProvider(),
        cli: Bool = false
    ) async -> [RuleResult] {
        await ValidatingAdmissionPolicyEvaluator(cliMatching: cli).evaluate(
            policy, bindings: bindings, attributes: AdmissionAttributes(object: resource), provider: provider
        ).results
    }

    /// Without bindings Kyverno evaluates the policy on its own: rule = policy name, pass without a message,
    /// fail with the message, `failed expression: …` without one.
    @Test func policyWithoutBindings() async throws {
        let policy = try Self.vap(
            """
            {\(Self.deploymentRules), "validations": [
              {"expression": "object.spec.replicas <= 5", "message": "at most 5"},
              {"expression": "object.spec.replicas >= 1"}]}
            """)
        let pass = await results(policy, Self.deployment("web", replicas: 3))
        #expect(pass == [RuleResult(ruleName: "replicas", status: .pass, message: "")])
        let many = await results(policy, Self.deployment("web", replicas: 9))
        #expect(many == [RuleResult(ruleName: "replicas", status: .fail, message: "at most 5")])
        let none = await results(policy, Self.deployment("web", replicas: 0))
        #expect(none.first?.message == "failed expression: object.spec.replicas >= 1")
        // Another kind: the constraints do not select it.
        #expect(await results(policy, pod(spec: #"{"containers": []}"#)).isEmpty)
    }

    /// messageExpression wins over message; one that does not give a string falls back to the message.
    @Test func messageExpressions() async throws {
        let policy = try Self.vap(
            """
            {\(Self.deploymentRules), "validations": [
              {"expression": "object.spec.replicas <= 5", "message": "static",
               "messageExpression": "'too many: ' + string(object.spec.replicas)"},
              {"expression": "object.spec.replicas != 4", "message": "not four", "messageExpression": "1"}]}
            """)
        #expect(await results(policy, Self.deployment("web", replicas: 7)).first?.message == "too many: 7")
        #expect(await results(policy, Self.deployment("web", replicas: 4)).first?.message == "not four")
    }

    /// Match conditions false: skip "match conditions aren't met"; one that errors: error, or skip with
    /// failurePolicy Ignore. A validation that cannot be evaluated, or does not compile, is an error.
    @Test func matchConditionsAndErrors() async throws {
        let spec = """
            \(Self.deploymentRules), "matchConditions": [{"name": "labelled", "expression": "object.metadata.labels['team'] == 'a'"}],
            "variables": [{"name": "limit", "expression": "object.spec.maxReplicas"}],
            "validations": [{"expression": "object.spec.replicas <= variables.limit"}]
            """
        let policy = try Self.vap("{\(spec)}")
        let other = await results(policy, Self.deployment("web", replicas: 1, labels: #"{"team": "b"}"#))
        #expect(other == [RuleResult(ruleName: "replicas", status: .skip, message: "match conditions aren't met")])
        let unlabelled = await results(policy, Self.deployment("web", replicas: 1))
        #expect(unlabelled.map(\.status) == [.error])
        #expect(
            unlabelled.first?.message
                == "expression 'object.metadata.labels['team'] == 'a'' resulted in error: no such key: team")
        let ignoring = try Self.vap(#"{\#(spec), "failurePolicy": "Ignore"}"#)
        #expect(await results(ignoring, Self.deployment("web", replicas: 1)).map(\.status) == [.skip])
        let noLimit = await results(policy, Self.deployment("web", replicas: 1, labels: #"{"team": "a"}"#))
        #expect(noLimit.map(\.status) == [.error])
        #expect(
            noLimit.first?.message.hasPrefix("expression 'object.spec.replicas <= variables.limit' resulted in error")
                == true)
        let broken = try Self.vap(#"{\#(Self.deploymentRules), "validations": [{"expression": "object.spec.(("}]}"#)
        let compileError = await results(broken, Self.deployment("web", replicas: 1))
        #expect(compileError.map(\.status) == [.error])
        #expect(compileError.first?.message.hasPrefix("compilation error: compilation failed") == true)
        // `params` is declared only with a paramKind; `authorizer` never (Kyverno declares no authorizer).
        let undeclared = try Self.vap(#"{\#(Self.deploymentRules), "validations": [{"expression": "params == null"}]}"#)
        #expect(await results(undeclared, Self.deployment("web", replicas: 1)).map(\.status) == [.error])
    }

    /// Each binding that selects the resource gives a result with its name in `binding`; one that does not
    /// select it gives nothing; bindings of other policies are ignored.
    @Test func bindingsNarrowAndName() async throws {
        let policy = try Self.vap(
            #"{\#(Self.deploymentRules), "validations": [{"expression": "object.spec.replicas <= 2"}]}"#)
        let staging = try Self.binding(
            "staging",
            #"{"policyName": "replicas", "validationActions": ["Deny"], "matchResources": {"namespaceSelector": {"matchLabels": {"env": "staging"}}}}"#
        )
        let all = try Self.binding("all", #"{"policyName": "replicas", "validationActions": ["Audit"]}"#)
        let unrelated = try Self.binding("unrelated", #"{"policyName": "other"}"#)
        let provider = ParamsProvider(namespaces: [
            "stage": jsonValue(#"{"metadata": {"name": "stage", "labels": {"env": "staging"}}}"#),
            "prod": jsonValue(#"{"metadata": {"name": "prod", "labels": {"env": "production"}}}"#),
        ])
        let inStaging = await results(
            policy, Self.deployment("web", namespace: "stage", replicas: 3), bindings: [staging, all, unrelated],
            provider: provider)
        #expect(inStaging.map(\.properties) == [["binding": "all"], ["binding": "staging"]])
        #expect(inStaging.map(\.status) == [.fail, .fail])
        let inProd = await results(
            policy, Self.deployment("web", namespace: "prod", replicas: 1), bindings: [staging], provider: provider)
        #expect(inProd.isEmpty)
        // Only a binding of another policy: the policy is evaluated on its own.
        let alone = await results(policy, Self.deployment("web", replicas: 1), bindings: [unrelated])
        #expect(alone == [RuleResult(ruleName: "replicas", status: .pass, message: "")])
    }

    /// namespaceObject is Kubernetes' projection of the Namespace (no kind, no managedFields); for a
    /// cluster-scoped resource an empty Namespace.
    @Test func namespaceObject() async throws {
        let policy = try Self.vap(
            """
            {"matchConstraints": {"resourceRules": [{"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["*"],
               "resources": ["*"]}]},
             "validations": [{"expression": "!has(namespaceObject.kind) && !has(namespaceObject.metadata.managedFields)"},
               {"expression": "namespaceObject.metadata.labels.team == 'a'", "messageExpression": "'ns ' + namespaceObject.metadata.name"}]}
            """)
        let provider = ParamsProvider(namespaces: [
            "a": jsonValue(
                #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "labels": {"team": "a"}, "managedFields": [{}]}}"#
            ),
            "b": jsonValue(
                #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b", "labels": {"team": "b"}}}"#),
        ])
        #expect(
            await results(policy, Self.deployment("d", namespace: "a", replicas: 1), provider: provider).map(\.status)
                == [.pass])
        #expect(
            await results(policy, Self.deployment("d", namespace: "b", replicas: 1), provider: provider).first?.message
                == "ns b")
        let node = jsonValue(#"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}"#)
        let clusterScoped = await results(policy, node, provider: provider)
        #expect(clusterScoped.map(\.status) == [.error])
        #expect(clusterScoped.first?.message.contains("no such key") == true)
    }

    /// paramRef by name (in the resource's namespace), by selector (each object evaluated, the first denial
    /// decides), missing with Allow (no result) and with Deny (error, Kubernetes' message).
    @Test func parameters() async throws {
        let policy = try Self.vap(
            """
            {"paramKind": {"apiVersion": "v1", "kind": "ConfigMap"}, \(Self.deploymentRules),
             "validations": [{"expression": "object.spec.replicas <= int(params.data.max)",
               "messageExpression": "'over ' + params.metadata.name"}]}
            """)
        func configMap(_ name: String, _ namespace: String, max: Int, tier: String) -> JSONValue {
            jsonValue(
                """
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "\(name)", "namespace": "\(namespace)",
                 "labels": {"tier": "\(tier)"}}, "data": {"max": "\(max)"}}
                """)
        }
        let base = "/api/v1/namespaces/default/configmaps/"
        let provider = ParamsProvider(objects: [
            base + "small": configMap("small", "default", max: 2, tier: "limits"),
            base + "large": configMap("large", "default", max: 10, tier: "limits"),
        ])
        let byName = try Self.binding("by-name", #"{"policyName": "replicas", "paramRef": {"name": "small"}}"#)
        let named = await results(policy, Self.deployment("web", replicas: 5), bindings: [byName], provider: provider)
        #expect(
            named == [
                RuleResult(
                    ruleName: "replicas", status: .fail, message: "over small", properties: ["binding": "by-name"])
            ])
        let bySelector = try Self.binding(
            "by-selector", #"{"policyName": "replicas", "paramRef": {"selector": {"matchLabels": {"tier": "limits"}}}}"#
        )
        let selected = await results(
            policy, Self.deployment("web", replicas: 5), bindings: [bySelector], provider: provider)
        #expect(selected.map(\.message) == ["over small"])
        let fits = await results(
            policy, Self.deployment("web", replicas: 1), bindings: [bySelector], provider: provider)
        #expect(fits.map(\.status) == [.pass])
        let missingAllow = try Self.binding(
            "allow", #"{"policyName": "replicas", "paramRef": {"name": "absent", "parameterNotFoundAction": "Allow"}}"#)
        #expect(
            await results(policy, Self.deployment("web", replicas: 5), bindings: [missingAllow], provider: provider)
                .isEmpty)
        let missingDeny = try Self.binding(
            "deny", #"{"policyName": "replicas", "paramRef": {"name": "absent", "parameterNotFoundAction": "Deny"}}"#)
        let denied = await results(
            policy, Self.deployment("web", replicas: 5), bindings: [missingDeny], provider: provider)
        #expect(
            denied == [
                RuleResult(
                    ruleName: "replicas", status: .error,
                    message:
                        "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
                    properties: ["binding": "deny"])
            ])
    }

    /// The Kyverno CLI selects resources by kind when bindings exist: the policy's operations are not checked.
    @Test func cliMatchingByKind() async throws {
        let policy = try Self.vap(
            """
            {"matchConstraints": {"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["deployments"]}]},
             "validations": [{"expression": "object.spec.replicas <= 2"}]}
            """)
        let all = try Self.binding("all", #"{"policyName": "replicas"}"#)
        #expect(await results(policy, Self.deployment("web", replicas: 3), bindings: [all]).isEmpty)
        #expect(
            await results(policy, Self.deployment("web", replicas: 3), bindings: [all], cli: true).map(\.status) == [
                .fail
            ])
    }

    @Test func decodingErrors() throws {
        #expect(throws: PolicyDecodingError.self) {
            try Self.binding("b", #"{"policyName": ""}"#)
        }
        #expect(throws: PolicyDecodingError.self) {
            try Self.vap(#"{"failurePolicy": "Sometimes"}"#)
        }
        let labelled = try Self.vap("{}", labels: #"{"reports.kyverno.io/enabled": "true"}"#)
        #expect(labelled.policy.reportsEnabled)
        #expect(try !Self.vap("{}").policy.reportsEnabled)
    }
}
