import JSONValue
import Testing

@testable import LocalAPIServer

@Suite("Garbage collection and fault injection")
struct GarbageCollectionAndFaultTests {
    static func owned(_ name: String, by owner: JSONValue, kind: String) -> JSONValue {
        var pod = Fixtures.pod(name)
        pod["metadata"]?["ownerReferences"] = [
            [
                "apiVersion": owner["apiVersion"] ?? .null, "kind": .string(kind),
                "name": owner[path: "metadata", "name"] ?? .null, "uid": owner[path: "metadata", "uid"] ?? .null,
            ]
        ]
        return pod
    }

    static let configMap: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "owner"]]

    @Test func deletingAnOwnerDeletesDependentsTransitively() async throws {
        try await withServer { server, client in
            let owner = try await client.post("/api/v1/namespaces/default/configmaps", Self.configMap).json
            let child = try await client.post(
                "/api/v1/namespaces/default/pods", Self.owned("child", by: owner, kind: "ConfigMap")
            ).json
            var grandchild: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "grandchild"]]
            grandchild["metadata"]?["ownerReferences"] = [
                ["apiVersion": "v1", "kind": "Pod", "name": "child", "uid": child[path: "metadata", "uid"] ?? .null]
            ]
            _ = try await client.post("/api/v1/namespaces/default/secrets", grandchild)
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("unrelated"))
            _ = try await client.delete("/api/v1/namespaces/default/configmaps/owner")
            #expect(try await client.get("/api/v1/namespaces/default/pods/child").status == 404)
            #expect(try await client.get("/api/v1/namespaces/default/secrets/grandchild").status == 404)
            #expect(try await client.get("/api/v1/namespaces/default/pods/unrelated").status == 200)
            #expect(server.store.count(of: GroupResource(group: "", resource: "pods")) == 1)
        }
    }

    @Test func orphanDeleteKeepsDependentsAndDropsTheReference() async throws {
        try await withServer { _, client in
            let owner = try await client.post("/api/v1/namespaces/default/configmaps", Self.configMap).json
            _ = try await client.post(
                "/api/v1/namespaces/default/pods", Self.owned("child", by: owner, kind: "ConfigMap"))
            _ = try await client.delete("/api/v1/namespaces/default/configmaps/owner", ["propagationPolicy": "Orphan"])
            let child = try await client.get("/api/v1/namespaces/default/pods/child")
            #expect(child.status == 200)
            #expect(child.json[path: "metadata", "ownerReferences"] == nil)
        }
    }

    @Test func deletingANamespaceDeletesItsObjects() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces", Fixtures.namespace("team"))
            _ = try await client.post("/api/v1/namespaces/team/pods", Fixtures.pod("a", namespace: "team"))
            _ = try await client.delete("/api/v1/namespaces/team")
            #expect(try await client.get("/api/v1/namespaces/team/pods/a").status == 404)
        }
    }

    @Test func injected429IsPlainTextWithRetryAfter() async throws {
        try await withServer { server, client in
            server.faults.failNext(2)
            let first = try await client.get("/api/v1/pods")
            #expect(first.status == 429)
            #expect(first.headers["retry-after"] == "1")
            #expect(first.text == "Too many requests, please try again later.\n")
            #expect(try await client.get("/api/v1/pods").status == 429)
            #expect(try await client.get("/api/v1/pods").status == 200)
            server.faults.failNext(1, with: .init(status: 503, retryAfterSeconds: 2))
            let unavailable = try await client.get("/api/v1/pods")
            #expect(unavailable.status == 503)
            #expect(unavailable.json["kind"] == "Status")
            server.faults.failFraction(1, with: .init(status: 500))
            #expect(try await client.get("/api/v1/pods").status == 500)
            server.faults.reset()
            #expect(try await client.get("/api/v1/pods").status == 200)
            #expect(server.faults.injectedCount == 4)
        }
    }

    @Test func refusedConnectionsComeBackOnTheSamePort() async throws {
        try await withServer { server, client in
            let port = server.port
            async let pause: Void = server.refuseConnections(for: .seconds(3))
            // While the listener is down, requests fail (polled: stopping takes a moment on a loaded machine).
            let refused = await eventually(timeout: .seconds(3)) {
                do {
                    _ = try await client.get("/api/v1/pods")
                    return false
                } catch {
                    return true
                }
            }
            #expect(refused, "no request was refused while the listener was down")
            try await pause
            #expect(server.port == port)
            #expect(try await client.get("/api/v1/pods").status == 200)
        }
    }
}
