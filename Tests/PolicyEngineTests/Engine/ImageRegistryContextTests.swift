import Failures
import JSONValue
import Testing

@testable import PolicyEngine

/// `imageRegistry` context entries: the failure result and its properties, `catchError` values,
/// and `failurePolicy: Ignore`.
@Suite struct ImageRegistryContextTests {
    static let digest = "sha256:" + String(repeating: "d", count: 64)

    func evaluate(
        context: String, preconditions: String? = nil, spec: String = "", image: String = "nginx:1.25",
        provider: FixedProvider = FixedProvider(), evaluator: PolicyEvaluator = PolicyEvaluator(queries: .kyverno())
    ) async throws -> RuleResult? {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "context": \(context),
              \(preconditions.map { #""preconditions": \#($0),"# } ?? "")
              "validate": {"message": "{{ img.failed }} {{ img.resolvedImage || 'none' }}", "deny": {}}}]
            """
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: rules, annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "none"}"#, spec: spec)
            ))
        let resource = pod(spec: #"{"containers": [{"name": "c", "image": "\#(image)"}]}"#)
        return await evaluator.evaluate(compiled, resource: resource, provider: provider).results.first
    }

    static let caught =
        #"[{"name": "img", "imageRegistry": {"reference": "{{ request.object.spec.containers[0].image }}", "catchError": true}}]"#
    static let plain =
        #"[{"name": "img", "imageRegistry": {"reference": "{{ request.object.spec.containers[0].image }}"}}]"#

    @Test func caughtFailureCarriesTheMessageAndTheParsedReference() async throws {
        let value = ContextLoader.failedImageData(
            reference: "ghcr.io/x/y:1.0", message: "failed to fetch image descriptor: ghcr.io/x/y:1.0, error: boom",
            errorClass: .unreachable)
        #expect(value["failed"] == .bool(true))
        #expect(value["error"] == value["errorMessage"])
        #expect(value["errorMessage"]?.stringValue?.contains("ghcr.io/x/y:1.0") == true)
        #expect(value["registry"] == "ghcr.io")
        #expect(value["repository"] == "x/y")
        #expect(value["identifier"] == "1.0")
        #expect(value["resolvedImage"] == nil)
        #expect(value["reason"] == "unreachable")
        let pinned = ContextLoader.failedImageData(
            reference: "nginx@\(Self.digest)", message: "m", errorClass: .timeout)
        #expect(pinned["resolvedImage"]?.stringValue == "index.docker.io/library/nginx@\(Self.digest)")
        #expect(pinned["identifier"]?.stringValue == Self.digest)
    }

    @Test func caughtFailureIsVisibleToTheRule() async throws {
        let result = try await evaluate(context: Self.caught)
        #expect(result?.status == .fail)
        #expect(result?.message == "true none")
    }

    @Test func successWithCatchErrorCarriesFailedFalse() async throws {
        let provider = FixedProvider(images: [
            "nginx:1.25": jsonValue(#"{"resolvedImage": "index.docker.io/library/nginx@sha256:1", "configData": {}}"#)
        ])
        let result = try await evaluate(context: Self.caught, provider: provider)
        #expect(result?.message == "false index.docker.io/library/nginx@sha256:1")
    }

    @Test func seedPreconditionSkipsACaughtFailure() async throws {
        let preconditions =
            #"{"all": [{"key": "{{ img.resolvedImage || '' }}", "operator": "NotEquals", "value": ""}]}"#
        #expect(try await evaluate(context: Self.caught, preconditions: preconditions)?.status == .skip)
        // Without catchError the failure errors the rule before preconditions run.
        let uncaught = try await evaluate(context: Self.plain, preconditions: preconditions)
        #expect(uncaught?.status == .error)
    }

    @Test func failurePolicyIgnoreSkipsUnlessKyvernoBehaviourIsAskedFor() async throws {
        let ignored = try await evaluate(context: Self.plain, spec: #""failurePolicy": "Ignore""#)
        #expect(ignored?.status == .skip)
        #expect(
            ignored?.message.hasPrefix("failed to load context: failed to fetch image descriptor: nginx:1.25") == true)
        #expect(ignored?.properties["imageError"] == "not-found")
        let kyverno = try await evaluate(
            context: Self.plain, spec: #""failurePolicy": "Ignore""#,
            evaluator: PolicyEvaluator(queries: .kyverno(), ignoreSkipsImageLookupErrors: false))
        #expect(kyverno?.status == .error)
        let failing = try await evaluate(context: Self.plain, spec: #""failurePolicy": "Fail""#)
        #expect(failing?.status == .error)
    }

    @Test func failedLookupInsideForeachKeepsItsProperties() async throws {
        let rules = """
            [{"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
              "validate": {"message": "m", "foreach": [{"list": "request.object.spec.containers",
                "context": [{"name": "img", "imageRegistry": {"reference": "{{ element.image }}"}}],
                "deny": {"conditions": {"any": [{"key": "{{ img.configData.config.User || '' }}",
                  "operator": "Equals", "value": ""}]}}}]}}]
            """
        let compiled = try CompiledPolicy(
            policy(
                clusterPolicy(
                    rules: rules, annotations: #"{"pod-policies.kyverno.io/autogen-controllers": "none"}"#)))
        let resource = pod(spec: #"{"containers": [{"name": "c", "image": "ghcr.io/x/y:1.0"}]}"#)
        let result = await PolicyEvaluator(queries: .kyverno()).evaluate(
            compiled, resource: resource, provider: FixedProvider()
        ).results.first
        #expect(result?.status == .error)
        #expect(result?.message.contains("failed to fetch image descriptor: ghcr.io/x/y:1.0") == true)
        #expect(result?.properties["imageError"] == "not-found")
        #expect(result?.properties["image"] == "ghcr.io/x/y:1.0")
        // The class travels typed from the provider's error to the result.
        #expect(result?.failure == ExternalFailure(.image("ghcr.io/x/y:1.0"), .notFound))
        #expect(result?.isImageLookupError == true)
        #expect(result?.isServiceCallError == false)
    }

    @Test func otherContextErrorsAreNotSkippedByIgnore() async throws {
        let context = #"[{"name": "img", "variable": {"jmesPath": "request.object.metadata.labels.none || null"}}]"#
        let result = try await evaluate(context: context, spec: #""failurePolicy": "Ignore""#)
        #expect(result?.status == .error)
        #expect(result?.properties["imageError"] == nil)
        #expect(result?.failure == nil)
    }
}
