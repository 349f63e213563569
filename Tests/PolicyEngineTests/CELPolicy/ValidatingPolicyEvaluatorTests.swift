import Failures
import JSONValue
import Testing

@testable import PolicyEngine

/// A ValidatingPolicy document (JSON) with the given spec members.
func validatingPolicy(name: String = "vpol", kind: String = "ValidatingPolicy", spec: String) throws
    -> CompiledValidatingPolicy
{
    try CompiledValidatingPolicy(
        ValidatingPolicyDecoder.decode(
            jsonValue(
                """
                {"apiVersion": "policies.kyverno.io/v1", "kind": "\(kind)",
                 "metadata": {"name": "\(name)", "namespace": "team"}, "spec": {\(spec)}}
                """)))
}

let podRules = """
    "matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
      "resources": ["pods"]}]}
    """

/// A provider with namespaces and their labels, and nothing else.
struct NamespacesProvider: ContextProvider {
    var namespaces: [String: [String: String]] = [:]

    func namespaceLabels(namespace: String) async throws -> [String: String] { namespaces[namespace] ?? [:] }
    func configMap(namespace: String, name: String) async throws -> JSONValue {
        throw ContextProviderError(.notFound, "configmaps \"\(name)\" not found")
    }
    func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "no API")
    }
    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        throw ContextProviderError(.unavailable, "no registry")
    }
    func globalReference(name: String) async throws -> JSONValue {
        throw ContextProviderError(.notFound, "no entry")
    }
}

func evaluate(
    _ policy: CompiledValidatingPolicy, _ resource: JSONValue, provider: any ContextProvider = NamespacesProvider(),
    skips: Bool = false, exceptions: [CompiledCELPolicyException] = []
) async -> [RuleResult] {
    await ValidatingPolicyEvaluator(reportsMatchConditionSkips: skips).evaluate(
        policy, attributes: AdmissionAttributes(object: resource), provider: provider, exceptions: exceptions
    ).results
}

@Suite struct ValidatingPolicyEvaluatorTests {
    let labelled = pod(labels: #"{"app": "web"}"#, spec: #"{"containers": [{"name": "c", "image": "nginx:1.0"}]}"#)
    let unlabelled = pod(spec: #"{"containers": [{"name": "c", "image": "nginx:latest"}]}"#)

    @Test func passAndFailWithMessageExpressionAndIndex() async throws {
        let policy = try validatingPolicy(
            spec: podRules + """
                , "validations": [
                  {"expression": "object.spec.containers.size() > 0"},
                  {"expression": "has(object.metadata.labels.app)",
                   "messageExpression": "'pod ' + object.metadata.name + ' needs an app label'"}]
                """)
        let pass = await evaluate(policy, labelled)
        #expect(pass.map(\.status) == [.pass])
        #expect(pass.first?.message == "success")
        #expect(pass.first?.ruleName == "")
        let fail = await evaluate(policy, unlabelled)
        #expect(fail.map(\.status) == [.fail])
        #expect(fail.first?.message == "pod nginx needs an app label")
        #expect(fail.first?.properties[ValidatingPolicyEvaluator.validationIndexProperty] == "1")
    }

    @Test func defaultMessageNamesTheIndexAndErrorsAreErrors() async throws {
        let policy = try validatingPolicy(
            spec: podRules + """
                , "validations": [{"expression": "object.metadata.labels.app == 'web'"}]
                """)
        let fail = await evaluate(policy, pod(labels: #"{"app": "db"}"#, spec: "{}"))
        #expect(fail.first?.message == "CEL expression validation failed at index 0")
        let error = await evaluate(policy, unlabelled)
        #expect(error.map(\.status) == [.error])
        #expect(error.first?.message == "error: no such key: app")
    }

    @Test func matchConditionsAndVariables() async throws {
        let policy = try validatingPolicy(
            spec: podRules + """
                , "matchConditions": [{"name": "labelled", "expression": "has(object.metadata.labels.app)"}],
                "variables": [{"name": "images", "expression": "object.spec.containers.map(c, c.image)"},
                  {"name": "latest", "expression": "variables.images.exists(i, i.endsWith(':latest'))"}],
                "validations": [{"expression": "!variables.latest", "message": "no latest"}]
                """)
        #expect(await evaluate(policy, unlabelled).isEmpty)
        #expect(await evaluate(policy, unlabelled, skips: true).map(\.message) == ["skip"])
        #expect(await evaluate(policy, labelled).map(\.status) == [.pass])
        let latest = pod(labels: #"{"app": "web"}"#, spec: #"{"containers": [{"name": "c", "image": "a:latest"}]}"#)
        #expect(await evaluate(policy, latest).map(\.message) == ["no latest"])
    }

    @Test func matchConstraintsSelectByNamespaceLabelsAndExcludeRules() async throws {
        let policy = try validatingPolicy(
            spec: """
                "matchConstraints": {"namespaceSelector": {"matchLabels": {"env": "prod"}},
                  "resourceRules": [{"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["*"], "resources": ["*"]}],
                  "excludeResourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["*"],
                    "resources": ["configmaps"]}]},
                "validations": [{"expression": "true"}]
                """)
        let provider = NamespacesProvider(namespaces: ["prod": ["env": "prod"], "dev": ["env": "dev"]])
        #expect(await evaluate(policy, pod(namespace: "prod", spec: "{}"), provider: provider).count == 1)
        #expect(await evaluate(policy, pod(namespace: "dev", spec: "{}"), provider: provider).isEmpty)
        let configMap = jsonValue(
            #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "prod"}}"#)
        #expect(await evaluate(policy, configMap, provider: provider).isEmpty)
    }

    @Test func autogenRewritesExpressionsForPodControllers() async throws {
        let policy = try validatingPolicy(
            spec: podRules + """
                , "validations": [{"expression": "object.spec.containers.all(c, !c.image.endsWith(':latest'))",
                  "message": "no latest"}]
                """)
        let deployment = jsonValue(
            """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
             "spec": {"template": {"metadata": {}, "spec": {"containers": [{"name": "c", "image": "a:latest"}]}}}}
            """)
        #expect(await evaluate(policy, deployment).map(\.status) == [.fail])
        let cronJob = jsonValue(
            """
            {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "j", "namespace": "default"},
             "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "a:1"}]}}}}}}
            """)
        #expect(await evaluate(policy, cronJob).map(\.status) == [.pass])
        let onlyJobs = try validatingPolicy(
            spec: podRules + """
                , "autogen": {"podControllers": {"controllers": ["jobs"]}}, "validations": [{"expression": "true"}]
                """)
        #expect(await evaluate(onlyJobs, deployment).isEmpty)
    }

    @Test func celExceptionsExemptOrNarrow() async throws {
        let policy = try validatingPolicy(
            spec: podRules + """
                , "validations": [{"expression": "object.spec.containers.all(c, c.image in exceptions.allowedValues)"}]
                """)
        func exception(_ spec: String) throws -> CompiledCELPolicyException {
            try CompiledCELPolicyException(
                CELPolicyException(
                    decoding: jsonValue(
                        """
                        {"apiVersion": "policies.kyverno.io/v1", "kind": "PolicyException",
                         "metadata": {"name": "ex", "namespace": "kyverno"},
                         "spec": {"policyRefs": [{"name": "vpol", "kind": "ValidatingPolicy"}], \(spec)}}
                        """)))
        }
        let full = try exception(
            #""matchConditions": [{"name": "web", "expression": "object.metadata.name == 'nginx'"}]"#)
        let results = await evaluate(policy, unlabelled, exceptions: [full])
        #expect(results.map(\.status) == [.skip])
        #expect(results.first?.message == "rule is skipped due to policy exception: kyverno/ex")
        #expect(results.first?.properties["exceptions"] == "ex")
        let narrowing = try exception(#""allowedValues": ["nginx:latest"]"#)
        #expect(await evaluate(policy, unlabelled, exceptions: [narrowing]).map(\.status) == [.pass])
        #expect(await evaluate(policy, labelled, exceptions: [narrowing]).map(\.status) == [.fail])
        // `expiresAt`: an exception past it no longer applies; one before it does.
        let match = #""matchConditions": [{"name": "web", "expression": "object.metadata.name == 'nginx'"}]"#
        let expired = try exception(match + #", "expiresAt": "2020-01-01T00:00:00Z""#)
        #expect(expired.exception.isExpired(now: 1_577_836_801))
        #expect(!expired.exception.isExpired(now: 1_577_836_800))
        #expect(await evaluate(policy, unlabelled, exceptions: [expired]).map(\.status) == [.fail])
        let current = try exception(match + #", "expiresAt": "2999-01-01T00:00:00+02:00""#)
        #expect(await evaluate(policy, unlabelled, exceptions: [current]).map(\.status) == [.skip])
        #expect(throws: PolicyDecodingError.self) { try exception(match + #", "expiresAt": "tomorrow""#) }
    }

    @Test func kyvernoLibrariesParseImagesAndServiceAccounts() async throws {
        let policy = try validatingPolicy(
            spec: podRules + """
                , "validations": [
                  {"expression": "image(object.spec.containers[0].image).registry() == 'index.docker.io'"},
                  {"expression": "image('ghcr.io/a/b@sha256:abababababababababababababababababababababababababababababababab').containsDigest()"},
                  {"expression": "parseServiceAccount('system:serviceaccount:ns:sa').Name == 'sa'"},
                  {"expression": "sha256('abc').startsWith('ba7816bf')"},
                  {"expression": "json.unmarshal('{\\"a\\": 1}').a == 1"}]
                """)
        let results = await evaluate(policy, labelled)
        #expect(results.map(\.status) == [.pass], "\(results.map(\.message))")
    }
}
