import ExternalData
import Failures
import Foundation
import JSONValue
import PolicyEngine
import RegistryTestSupport
import Testing

/// `apiCall.service` calls against real HTTPS services on 127.0.0.1: one that serves JSON (trusted only
/// through `caBundle`), one that refuses connections, one that accepts and never answers, one that answers
/// text, too much, or an error status.
@Suite(.serialized) struct ServiceCallClientTests {
    static let service = Result { try JSONService() }

    func service() throws -> JSONService { try Self.service.get() }

    func request(_ url: String, method: String = "GET", caBundle: String? = nil) -> APICallRequest {
        APICallRequest(urlPath: nil, method: method, serviceURL: url, caBundle: caBundle)
    }

    func failure(
        _ request: APICallRequest, _ configuration: ServiceCallClient.Configuration = .init()
    ) async throws -> ContextProviderError? {
        let client = try ServiceCallClient(configuration: configuration)
        var failure: ContextProviderError?
        do {
            let value = try await client.call(request)
            Issue.record("expected a failure, got \(value.serialized())")
        } catch {
            failure = error
        }
        await client.shutdown()
        return failure
    }

    @Test func getDecodesJSONTrustingOnlyTheCABundle() async throws {
        let service = try service()
        let client = try ServiceCallClient()
        let value = try await client.call(request(service.baseURL + "/json", caBundle: service.caBundle))
        await client.shutdown()
        #expect(value == ["allowed": true, "regions": ["eu", "us"]])
    }

    @Test func postSendsTheDataObjectAndHeaders() async throws {
        let service = try service()
        let client = try ServiceCallClient()
        var call = request(service.baseURL + "/echo", method: "POST", caBundle: service.caBundle)
        call.body = ["image": "nginx:1.27", "count": 3]
        call.headers = ["X-Tenant": "blue"]
        let value = try await client.call(call)
        await client.shutdown()
        #expect(value["method"] == "POST")
        #expect(value["body"] == ["image": "nginx:1.27", "count": 3])
        #expect(value["headers"]?["x-tenant"] == "blue")
        #expect(value["headers"]?["content-type"] == "application/json")
    }

    @Test func anUntrustedCertificateIsATLSFailure() async throws {
        let service = try service()
        // The system trust store does not know the test CA, and another CA does not either.
        let system = try await failure(request(service.baseURL + "/json"))
        #expect(system?.kind == .tls)
        let other = try TestCertificates()
        let otherCA = try String(contentsOf: other.caCertificate, encoding: .utf8)
        let wrong = try await failure(request(service.baseURL + "/json", caBundle: otherCA))
        #expect(wrong?.kind == .tls)
        #expect(wrong?.message.contains(service.baseURL) == true)
    }

    @Test func aRefusedConnectionIsUnreachable() async throws {
        let port = try FreePort.reserve()
        let error = try await failure(request("https://127.0.0.1:\(port)/json"))
        #expect(error?.kind == .unreachable)
    }

    @Test func aServiceThatNeverAnswersTimesOut() async throws {
        let service = try service()
        let configuration = ServiceCallClient.Configuration(timeout: .seconds(1))
        let hang = try await failure(request(service.baseURL + "/hang", caBundle: service.caBundle), configuration)
        #expect(hang?.kind == .timeout)
        let silent = try FreePort.SilentListener()
        let handshake = try await failure(request("https://127.0.0.1:\(silent.port)/json"), configuration)
        #expect(handshake?.kind == .timeout)
    }

    @Test func textIsInvalidJSONAndErrorsAreHTTPStatus() async throws {
        let service = try service()
        let text = try await failure(request(service.baseURL + "/text", caBundle: service.caBundle))
        #expect(text?.kind == .invalidJSON)
        let status = try await failure(request(service.baseURL + "/status/503", caBundle: service.caBundle))
        #expect(status?.kind == .httpStatus)
        #expect(status?.message.contains("HTTP 503") == true)
    }

    @Test func aResponseOverTheLimitIsTooLarge() async throws {
        let service = try service()
        let big = try await failure(request(service.baseURL + "/big?bytes=2100000", caBundle: service.caBundle))
        #expect(big?.kind == .tooLarge)
        #expect(big?.message.contains("2000000") == true)
        let client = try ServiceCallClient(configuration: .init(maximumResponseLength: 0))
        let value = try await client.call(request(service.baseURL + "/big?bytes=2100000", caBundle: service.caBundle))
        await client.shutdown()
        #expect(value.stringValue?.count == 2_100_000)
    }

    @Test func identicalConcurrentCallsSendOneRequest() async throws {
        let service = try service()
        let client = try ServiceCallClient()
        let url = service.baseURL + "/slow?ms=300"
        let before = try service.counts()["/slow"] ?? 0
        let call = request(url, caBundle: service.caBundle)
        let values = await withTaskGroup(of: JSONValue?.self) { group in
            for _ in 0..<50 { group.addTask { try? await client.call(call) } }
            var values: [JSONValue?] = []
            for await value in group { values.append(value) }
            return values
        }
        let cachedAfterwards = try await client.call(call)
        let statistics = await client.statistics
        await client.shutdown()
        #expect(values.allSatisfy { $0 == ["slow": true] })
        #expect(cachedAfterwards == ["slow": true])
        #expect(try service.counts()["/slow"] == before + 1)
        #expect(statistics.requests == 1)
        #expect(statistics.coalesced + statistics.cached == 50)
    }

    @Test func aDeadServiceOpensTheBreaker() async throws {
        let port = try FreePort.reserve()
        let client = try ServiceCallClient(configuration: .init(breakerThreshold: 3, breakerCooldown: .seconds(60)))
        var kinds: [ContextProviderError.Kind] = []
        for index in 0..<20 {
            do {
                _ = try await client.call(request("https://127.0.0.1:\(port)/item/\(index)"))
            } catch {
                kinds.append(error.kind)
            }
        }
        let statistics = await client.statistics
        await client.shutdown()
        #expect(kinds == Array(repeating: .unreachable, count: 20))
        #expect(statistics.requests == 3)
        #expect(statistics.breaker == 17)
    }
}

/// Rules reading `apiCall.service` entries through a live ``ServiceCallClient``.
@Suite struct ServiceCallRuleTests {
    /// Service calls from the client; everything else unavailable.
    struct ServiceProvider: ContextProvider {
        let client: ServiceCallClient
        func namespaceLabels(namespace: String) async throws -> [String: String] { [:] }
        func configMap(namespace: String, name: String) async throws -> JSONValue {
            try await EmptyContextProvider().configMap(namespace: namespace, name: name)
        }
        func apiCall(_ request: APICallRequest) async throws -> JSONValue { try await client.call(request) }
        func imageData(reference: String, credentials: ImageRegistryCredentials?) async throws -> JSONValue {
            try await EmptyContextProvider().imageData(reference: reference, credentials: credentials)
        }
        func globalReference(name: String) async throws -> JSONValue {
            try await EmptyContextProvider().globalReference(name: name)
        }
    }

    static let pod: JSONValue = [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": ["name": "web", "namespace": "default", "uid": "u1"],
        "spec": ["containers": [["name": "c", "image": "nginx:1.27"]]],
    ]

    /// Evaluates a Pod rule that denies when the context entry `answer` equals `denied`.
    func evaluate(apiCall: String, failurePolicy: String = "Fail", denied: String = "deny") async throws -> RuleResult?
    {
        let service = try ServiceCallClientTests.service.get()
        let text = """
            {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
             "metadata": {"name": "svc", "annotations": {"pod-policies.kyverno.io/autogen-controllers": "none"}},
             "spec": {"failurePolicy": "\(failurePolicy)", "rules": [{"name": "r",
               "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
               "context": [{"name": "answer", "apiCall": \(apiCall)}],
               "validate": {"message": "answer {{ answer }}",
                 "deny": {"conditions": {"any": [{"key": "{{ answer }}", "operator": "Equals", "value": "\(denied)"}]}}}}]}}
            """
        let document = try JSONValue.parse(
            Array(
                text.replacingOccurrences(of: "BASE", with: service.baseURL)
                    .replacingOccurrences(of: "CA", with: service.caBundle.replacingOccurrences(of: "\n", with: "\\n"))
                    .utf8))
        let compiled = try CompiledPolicy(try PolicyDecoder.decode(document))
        let client = try ServiceCallClient(configuration: .init(timeout: .seconds(2)))
        let evaluation = await PolicyEvaluator(queries: .kyverno()).evaluate(
            compiled, resource: Self.pod, provider: ServiceProvider(client: client))
        await client.shutdown()
        return evaluation.results.first
    }

    @Test func aPostWithSubstitutedDataAndAJMESPath() async throws {
        let result = try await evaluate(
            apiCall: """
                {"method": "POST", "service": {"url": "BASE/echo", "caBundle": "CA"},
                 "data": [{"key": "image", "value": "{{ request.object.spec.containers[0].image }}"}],
                 "jmesPath": "body.image"}
                """, denied: "nginx:1.27")
        #expect(result?.status == .fail)
        #expect(result?.message == "answer nginx:1.27")
    }

    @Test func aFailedCallIsAnErrorNamingTheServiceAndItsClass() async throws {
        let result = try await evaluate(apiCall: #"{"service": {"url": "BASE/text", "caBundle": "CA"}}"#)
        #expect(result?.status == .error)
        #expect(result?.properties[RuleResult.serviceErrorProperty] == "invalid-json")
        #expect(result?.properties[RuleResult.serviceProperty]?.hasSuffix("/text") == true)
        #expect(result?.message.hasPrefix("failed to load context: failed to fetch data for APICall:") == true)
    }

    @Test func ignoreSkipsAndADefaultReplacesAFailedCall() async throws {
        let ignored = try await evaluate(
            apiCall: #"{"service": {"url": "BASE/status/500", "caBundle": "CA"}}"#, failurePolicy: "Ignore")
        #expect(ignored?.status == .skip)
        #expect(ignored?.properties[RuleResult.serviceErrorProperty] == "http-status")
        let defaulted = try await evaluate(
            apiCall: #"{"service": {"url": "BASE/hang", "caBundle": "CA"}, "default": "deny"}"#)
        #expect(defaulted?.status == .fail)
        #expect(defaulted?.message == "answer deny")
    }
}
