import Foundation
import JSONValue
import PolicyEngine
import PolicyTesting
import Testing

/// Kyverno's CEL data functions answered by the CLI's provider (cluster resources, mocks), through the
/// engine's evaluation rounds.
@Suite struct CELDataLibraryTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    static func policy(_ validations: String) throws -> CompiledValidatingPolicy {
        try CompiledValidatingPolicy(
            ValidatingPolicyDecoder.decode(
                parse(
                    """
                    {"apiVersion": "policies.kyverno.io/v1", "kind": "ValidatingPolicy", "metadata": {"name": "data"},
                     "spec": {"matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"],
                       "operations": ["CREATE"], "resources": ["pods"]}]},
                      "validations": \(validations)}}
                    """)))
    }

    let pod: JSONValue
    let provider: ClusterResourcesProvider

    init() throws {
        pod = try Self.parse(
            #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}}, "spec": {}}"#
        )
        provider = ClusterResourcesProvider(
            objects: [
                try Self.parse(
                    #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "registries", "namespace": "prod", "labels": {"team": "a"}}, "data": {"allowed": "ghcr.io"}}"#
                ),
                try Self.parse(
                    #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "other", "namespace": "prod", "labels": {"team": "b"}}, "data": {}}"#
                ),
                try Self.parse(
                    #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod", "labels": {"env": "production"}}}"#
                ),
            ],
            apiCallResponses: [
                try Self.parse(
                    #"{"method": "POST", "url": "https://authz.example.com/check", "response": {"statusCode": 200, "body": {"allowed": true}}}"#
                )
            ],
            globalContextEntries: ["images": try Self.parse(#"["ghcr.io/a", "ghcr.io/b"]"#)])
    }

    func status(_ expression: String) async throws -> [RuleResult.Status] {
        let results = await ValidatingPolicyEvaluator().evaluate(
            try Self.policy(#"[{"expression": "\#(expression)"}]"#), attributes: AdmissionAttributes(object: pod),
            provider: provider
        ).results
        return results.map(\.status)
    }

    @Test func resourceGetAndListReadTheCluster() async throws {
        #expect(
            try await status("resource.Get('v1', 'configmaps', 'prod', 'registries').data.allowed == 'ghcr.io'") == [
                .pass
            ])
        // A missing object is null, not an error.
        #expect(try await status("resource.Get('v1', 'configmaps', 'prod', 'missing') == null") == [.pass])
        #expect(try await status("resource.List('v1', 'configmaps', 'prod').items.size() == 2") == [.pass])
        #expect(
            try await status("resource.list('v1', 'configmaps', 'prod', {'team': 'b'}).items.size() == 1") == [.pass])
        // Two lookups that depend on each other take two rounds.
        #expect(
            try await status(
                "resource.Get('v1', 'configmaps', 'prod', resource.Get('v1', 'configmaps', 'prod', 'registries').metadata.name).data.allowed == 'ghcr.io'"
            ) == [.pass])
    }

    @Test func globalContextHttpAndNamespaceObject() async throws {
        #expect(try await status("globalContext.Get('images').size() == 2") == [.pass])
        #expect(try await status("globalContext.Get('missing') == null") == [.error])
        #expect(
            try await status(
                "http.Post('https://authz.example.com/check', {'user': 'x'}).body.allowed && http.Post('https://authz.example.com/check', {}).statusCode == 200"
            ) == [.pass])
        #expect(try await status("http.Get('https://unmocked.example.com/').body == null") == [.error])
        #expect(try await status("namespaceObject.metadata.labels.env == 'production'") == [.pass])
    }

    /// `image.GetMetadata` in `vigil test` answers from the context file's `images`, shaped as Kyverno's CLI
    /// marshals its `ImageData`, and an image not listed is an error, never a registry lookup.
    @Test func imageMetadataComesFromTheContextFileImages() async throws {
        let directory = NSTemporaryDirectory() + "vigil-context-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        apiVersion: cli.kyverno.io/v1alpha1
        kind: Context
        metadata: {name: context}
        spec:
          images:
          - image: ghcr.io/kyverno/test-busybox:1.35
            manifest:
              annotations: {org.opencontainers.image.base.name: "gcr.io/distroless/static:root"}
        """.write(toFile: directory + "/context.yaml", atomically: true, encoding: .utf8)
        let inputs = try KyvernoTestInputs(test: ["context": "context.yaml"], directory: directory)
        let image = try #require(inputs.contextImages?["ghcr.io/kyverno/test-busybox:1.35"])
        #expect(image["registry"] == "" && image["resolvedImage"] == "" && image["tag"] == nil)
        #expect(image["config"] == nil)
        let provider = ClusterResourcesProvider(
            objects: [],
            imageLookup: { reference, _ in
                Issue.record("looked \(reference) up in a registry")
                return [:]
            }, contextImages: inputs.contextImages)
        let listed = try await provider.celImageData(reference: "ghcr.io/kyverno/test-busybox:1.35")
        #expect(
            listed[path: "manifest", "annotations", "org.opencontainers.image.base.name"]
                == "gcr.io/distroless/static:root")
        await #expect(throws: ContextProviderError.self) {
            _ = try await provider.celImageData(reference: "busybox:latest")
        }
        // Through a policy: the mocked annotation decides.
        let results = await ValidatingPolicyEvaluator().evaluate(
            try Self.policy(
                #"[{"expression": "image.GetMetadata('ghcr.io/kyverno/test-busybox:1.35').manifest.annotations['org.opencontainers.image.base.name'].endsWith(':root')"}]"#
            ), attributes: AdmissionAttributes(object: pod), provider: provider
        ).results
        #expect(results.map(\.status) == [.pass])
    }
}
