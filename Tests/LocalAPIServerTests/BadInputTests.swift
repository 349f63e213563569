import JSONValue
import Testing

@testable import LocalAPIServer

@Suite("Bad input gets the 4xx a real server gives")
struct BadInputTests {
    @Test func malformedJSONIs400AndStoreIsUnchanged() async throws {
        try await withServer { server, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("keep"))
            for body in ["{", "{\"kind\":", "[1,2", "not json", "{\"metadata\": 5}"] {
                let reply = try await client.request(
                    "POST", "/api/v1/namespaces/default/pods", rawBody: Array(body.utf8))
                #expect(reply.status == 400, "body \(body)")
                #expect(reply.json["kind"] == "Status")
            }
            #expect(server.store.count(of: GroupResource(group: "", resource: "pods")) == 1)
        }
    }

    @Test func yamlBodyIs415UntilTheYAMLModuleIsWired() async throws {
        try await withServer { _, client in
            let reply = try await client.request(
                "POST", "/api/v1/namespaces/default/pods", rawBody: Array("kind: Pod\n".utf8),
                contentType: "application/yaml")
            #expect(reply.status == 415)
        }
    }

    @Test func wrongKindIs400() async throws {
        try await withServer { _, client in
            let reply = try await client.post("/api/v1/namespaces/default/pods", Fixtures.namespace("x"))
            #expect(reply.status == 400)
        }
    }

    @Test(arguments: ["Bad_Name", "-leading", "UPPER", String(repeating: "a", count: 254)])
    func invalidNamesAre422(name: String) async throws {
        try await withServer { _, client in
            let reply = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod(name))
            #expect(reply.status == 422)
            #expect(reply.json["reason"] == "Invalid")
            #expect(reply.json[path: "details", "causes"]?[0]?["field"] == "metadata.name")
        }
    }

    @Test func namespaceNamesAreDNSLabels() async throws {
        try await withServer { _, client in
            let dotted = try await client.post("/api/v1/namespaces", Fixtures.namespace("a.b"))
            #expect(dotted.status == 422)
            let label = try await client.post("/api/v1/namespaces", Fixtures.namespace("ok-1"))
            #expect(label.status == 201)
        }
    }

    @Test func missingNameIs422AndGenerateNameWorks() async throws {
        try await withServer { _, client in
            let unnamed: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": [:]]
            #expect(try await client.post("/api/v1/namespaces/default/configmaps", unnamed).status == 422)
            let generated: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "cfg-"]]
            let reply = try await client.post("/api/v1/namespaces/default/configmaps", generated)
            #expect(reply.status == 201)
            #expect(reply.json[path: "metadata", "name"]?.stringValue?.hasPrefix("cfg-") == true)
            #expect(reply.json[path: "metadata", "name"]?.stringValue?.count == 9)
        }
    }

    @Test func namespaceMismatchIs400() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces", Fixtures.namespace("other"))
            let reply = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("x", namespace: "other"))
            #expect(reply.status == 400)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withServer { server, client in
            var pod = Fixtures.pod("big")
            pod["metadata"]?["annotations"] = ["blob": .string(String(repeating: "x", count: 3 * 1024 * 1024))]
            let reply = try await client.post("/api/v1/namespaces/default/pods", pod)
            #expect(reply.status == 413)
            #expect(server.store.count(of: GroupResource(group: "", resource: "pods")) == 0)
        }
    }

    @Test func unknownPathsAndMethods() async throws {
        try await withServer { _, client in
            let unknownGroup = try await client.get("/apis/nope.example.com/v1/things")
            #expect(unknownGroup.status == 404)
            let unknownSubresource = try await client.get("/api/v1/namespaces/default/pods/x/exec")
            #expect(unknownSubresource.status == 404)
            let postToItem = try await client.request(
                "POST", "/api/v1/namespaces/default/pods/x", body: Fixtures.pod("x"))
            #expect(postToItem.status == 405)
        }
    }

    @Test func unauthenticatedRequestsAre401() async throws {
        let configuration = LocalAPIServer.Configuration(port: 0, tokens: ["secret"], tls: .disabled)
        try await withServer(configuration) { _, client in
            var anonymous = client
            anonymous.token = nil
            let reply = try await anonymous.get("/api/v1/pods")
            #expect(reply.status == 401)
            #expect(reply.json["reason"] == "Unauthorized")
            #expect(try await anonymous.get("/healthz").status == 200)
            #expect(try await client.get("/api/v1/pods").status == 200)
        }
    }
}
