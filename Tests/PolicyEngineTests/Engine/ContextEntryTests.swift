import Failures
import JSONValue
import Testing

@testable import PolicyEngine

/// A provider with fixed answers for context entry tests.
struct FixedProvider: ContextProvider {
    var apiResponses: [String: JSONValue] = [:]
    var images: [String: JSONValue] = [:]
    var globals: [String: JSONValue] = [:]
    var labels: [String: [String: String]] = [:]

    func namespaceLabels(namespace: String) async throws -> [String: String] { labels[namespace] ?? [:] }

    func configMap(namespace: String, name: String) async throws -> JSONValue {
        throw ContextProviderError(.notFound, "configmaps \"\(name)\" not found")
    }

    func apiCall(_ request: APICallRequest) async throws -> JSONValue {
        let key = (request.urlPath ?? request.serviceURL ?? "") + (request.body.map { " " + $0.serialized() } ?? "")
        guard let response = apiResponses[key] else { throw ContextProviderError(.notFound, "no response for \(key)") }
        return response
    }

    func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
        guard let data = images[reference] else {
            throw ContextProviderError(.notFound, "MANIFEST_UNKNOWN: manifest unknown")
        }
        return data
    }

    func globalReference(name: String) async throws -> JSONValue {
        guard let data = globals[name] else { throw ContextProviderError(.notFound, "not found") }
        return data
    }
}

@Suite struct ContextEntryTests {
    func results(_ rules: String, provider: FixedProvider, resource: JSONValue? = nil) async throws -> [RuleResult] {
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(rules: rules, annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "none"}"#)))
        return await PolicyEvaluator(queries: .kyverno()).evaluate(
            compiled, resource: resource ?? pod(spec: #"{"containers": [{"name": "c", "image": "nginx:1.25"}]}"#),
            provider: provider
        ).results
    }

    static func rule(context: String, message: String) -> String {
        """
        [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "context": \(context),
          "validate": {"message": "\(message)", "deny": {}}}]
        """
    }

    @Test func variableDefaultAndOrder() async throws {
        let context = """
            [{"name": "a", "variable": {"jmesPath": "request.object.metadata.annotations.x", "default": "fallback"}},
             {"name": "b", "variable": {"value": {"twice": "{{ a }}-{{ a }}"}}},
             {"name": "c", "variable": {"value": "{{ b }}", "jmesPath": "twice"}}]
            """
        let result = try await results(Self.rule(context: context, message: "{{ c }}"), provider: FixedProvider())
        #expect(result.first?.message == "fallback-fallback")
    }

    @Test func variableThatEvaluatesToNothingIsAnError() async throws {
        let context = #"[{"name": "a", "variable": {"jmesPath": "request.object.metadata.labels.none || null"}}]"#
        let result = try await results(Self.rule(context: context, message: "x"), provider: FixedProvider())
        #expect(result.first?.status == .error)
        #expect(
            result.first?.message
                == "failed to load context: failed to add context entry for variable a since it evaluated to nil")
    }

    @Test func apiCallWithJMESPathAndPost() async throws {
        let context = """
            [{"name": "count", "apiCall": {"urlPath": "/api/v1/namespaces/{{ request.namespace }}/pods", "jmesPath": "items | length(@)"}},
             {"name": "echo", "apiCall": {"method": "POST", "service": {"url": "https://svc.example/echo"},
                                          "data": [{"key": "name", "value": "{{ request.object.metadata.name }}"}], "jmesPath": "name"}}]
            """
        let provider = FixedProvider(apiResponses: [
            "/api/v1/namespaces/default/pods": jsonValue(#"{"items": [{}, {}]}"#),
            #"https://svc.example/echo {"name":"nginx"}"#: jsonValue(#"{"name": "nginx"}"#),
        ])
        let result = try await results(
            Self.rule(context: context, message: "{{ count }} {{ echo }}"), provider: provider)
        #expect(result.first?.message == "2 nginx")
    }

    @Test func apiCallDefaultOnFailure() async throws {
        let context = #"[{"name": "x", "apiCall": {"urlPath": "/api/v1/missing", "default": "none"}}]"#
        let result = try await results(Self.rule(context: context, message: "{{ x }}"), provider: FixedProvider())
        #expect(result.first?.message == "none")
    }

    @Test func imageRegistryFailureErrorsTheRuleUnlessCaught() async throws {
        let plain =
            #"[{"name": "img", "imageRegistry": {"reference": "{{ request.object.spec.containers[0].image }}"}}]"#
        let failed = try await results(Self.rule(context: plain, message: "x"), provider: FixedProvider())
        #expect(failed.first?.status == .error)
        #expect(
            failed.first?.message
                == "failed to load context: failed to fetch image descriptor: nginx:1.25, error: MANIFEST_UNKNOWN: manifest unknown"
        )
        #expect(failed.first?.properties["imageError"] == "not-found")
        #expect(failed.first?.properties["image"] == "nginx:1.25")
        let caught = """
            [{"name": "img", "imageRegistry": {"reference": "{{ request.object.spec.containers[0].image }}", "catchError": true}}]
            """
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "context": \(caught),
              "preconditions": {"all": [{"key": "{{ img.failed || `false` }}", "operator": "Equals", "value": false}]},
              "validate": {"deny": {}}}]
            """
        let skipped = try await results(rules, provider: FixedProvider())
        #expect(skipped.first?.status == .skip)
    }

    @Test func imageRegistryJMESPathAndGlobalReference() async throws {
        let context = """
            [{"name": "user", "imageRegistry": {"reference": "nginx:1.25", "jmesPath": "configData.config.User"}},
             {"name": "regions", "globalReference": {"name": "regions", "jmesPath": "items[].name"}}]
            """
        let provider = FixedProvider(
            images: ["nginx:1.25": jsonValue(#"{"configData": {"config": {"User": "101"}}}"#)],
            globals: ["regions": jsonValue(#"{"items": [{"name": "eu"}, {"name": "us"}]}"#)])
        let result = try await results(
            Self.rule(context: context, message: "{{ user }} {{ regions }}"), provider: provider)
        #expect(result.first?.message == #"101 ["eu","us"]"#)
    }

    @Test func namespaceSelectorReadsLabelsThroughTheProvider() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"], "namespaceSelector": {"matchLabels": {"env": "prod"}}}}]},
              "validate": {"deny": {}}}]
            """
        #expect(try await results(rules, provider: FixedProvider(labels: ["default": ["env": "prod"]])).count == 1)
        #expect(try await results(rules, provider: FixedProvider(labels: ["default": ["env": "dev"]])).isEmpty)
    }
}
