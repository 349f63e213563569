import JSONValue
import Testing

@testable import LocalAPIServer

/// The exact Status bodies kube-apiserver gives for bad writes, and a barrage of hostile bodies that
/// must neither crash the server nor change what it stores.
@Suite("Bad input: Status bodies and stored objects")
struct BadInputStatusTests {
    @Test func invalidNamesAre422WithTheFieldCause() async throws {
        try await withServer { _, client in
            let reply = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("Bad_Name"))
            #expect(reply.status == 422)
            #expect(reply.json["reason"] == "Invalid")
            #expect(reply.json[path: "details", "kind"] == "Pod")
            #expect(reply.json[path: "details", "name"] == "Bad_Name")
            let cause = reply.json[path: "details", "causes"]?.arrayValue?.first
            #expect(cause?["field"] == "metadata.name")
            #expect(cause?["reason"] == "FieldValueInvalid")
            #expect(
                reply.json["message"]?.stringValue?.hasPrefix(
                    "Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123")
                    == true, "\(reply.text)")
        }
    }

    @Test func aMissingNamespaceIs404NamingIt() async throws {
        try await withServer { server, client in
            let reply = try await client.post(
                "/api/v1/namespaces/ghost/configmaps",
                [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x", "namespace": "ghost"],
                ])
            #expect(reply.status == 404)
            #expect(reply.json["reason"] == "NotFound")
            #expect(reply.json[path: "details", "name"] == "ghost")
            #expect(reply.json[path: "details", "kind"] == "namespaces")
            #expect(server.store.count(of: GroupResource(group: "", resource: "configmaps")) == 0)
        }
    }

    @Test func anOversizedBodyIs413WithTheLimit() async throws {
        try await withServer { _, client in
            let reply = try await client.request(
                "POST", "/api/v1/namespaces/default/configmaps",
                rawBody: Array(repeating: UInt8(ascii: " "), count: 3 * 1024 * 1024 + 1))
            #expect(reply.status == 413)
            #expect(reply.json["reason"] == "RequestEntityTooLarge")
            #expect(reply.json["message"] == "Request entity too large: limit is 3145728")
        }
    }

    /// Hostile bodies for every write verb.
    static let hostileBodies: [(String, [UInt8], String)] = [
        ("deep nesting", Array(String(repeating: "[", count: 200_000).utf8), "application/json"),
        ("deep objects", Array(String(repeating: "{\"a\":", count: 100_000).utf8), "application/json"),
        // Invalid UTF-8 inside strings is replaced by U+FFFD as Go's decoder does; outside them it is a
        // syntax error.
        ("invalid UTF-8", [0x7B, 0xFF, 0xFE, 0x7D], "application/json"),
        ("NUL bytes", [0, 0, 0, 0], "application/json"),
        (
            "truncated", Array("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a".utf8),
            "application/json"
        ),
        ("number overflow", Array("{\"metadata\":{\"generation\":1e999999}}".utf8), "application/json"),
        (
            "YAML alias bomb",
            Array(
                """
                a: &a ["x","x","x","x","x","x","x","x","x","x"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
                """.utf8), "application/yaml"
        ),
        ("YAML tabs", Array("kind: Pod\n\tmetadata: {}\n".utf8), "application/yaml"),
        ("wrong kind", Fixtures.namespace("p0").serializedBytes(), "application/json"),
        ("not an object", Array("[1,2,3]".utf8), "application/json"),
    ]

    @Test func hostileBodiesGet4xxAndStoredObjectsStayIntact() async throws {
        try await withServer { server, client in
            for index in 0..<10 {
                _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("p\(index)"))
            }
            let before = try await client.get("/api/v1/namespaces/default/pods").json
            let revision = server.store.currentRevision
            for (name, body, contentType) in Self.hostileBodies {
                let requests: [(String, String, String)] = [
                    ("POST", "/api/v1/namespaces/default/pods", contentType),
                    ("PUT", "/api/v1/namespaces/default/pods/p0", contentType),
                    ("PATCH", "/api/v1/namespaces/default/pods/p0", "application/merge-patch+json"),
                    ("PATCH", "/api/v1/namespaces/default/pods/p0", "application/json-patch+json"),
                    ("PATCH", "/api/v1/namespaces/default/pods/p0", "application/strategic-merge-patch+json"),
                    ("PATCH", "/api/v1/namespaces/default/pods/p0?fieldManager=t", "application/apply-patch+yaml"),
                ]
                for (method, path, type) in requests {
                    let reply = try await client.request(method, path, rawBody: body, contentType: type)
                    #expect(
                        (400..<500).contains(reply.status), "\(name): \(method) \(type) → \(reply.status) \(reply.text)"
                    )
                    #expect(reply.json["kind"] == "Status", "\(name): \(method) \(type)")
                }
            }
            #expect(server.store.currentRevision == revision, "no bad request wrote anything")
            let after = try await client.get("/api/v1/namespaces/default/pods").json
            #expect(after["items"] == before["items"])
        }
    }

    @Test func badJSONPatchesAre4xxAndAtomic() async throws {
        try await withServer { server, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("p"))
            let revision = server.store.currentRevision
            let patches: [JSONValue] = [
                [
                    ["op": "add", "path": "/metadata/labels/x", "value": "1"],
                    ["op": "test", "path": "/spec/nope", "value": 1],
                ],
                [["op": "remove", "path": "/metadata/annotations/missing"]],
                [["op": "jump", "path": "/metadata"]],
                [["op": "add", "path": "no-slash", "value": 1]],
                [["op": "move", "from": "/metadata/nope", "path": "/metadata/x"]],
                ["not": "an array"],
            ]
            for patch in patches {
                let reply = try await client.patch(
                    "/api/v1/namespaces/default/pods/p", patch, type: "application/json-patch+json")
                #expect((400..<500).contains(reply.status), "\(patch.serialized()) → \(reply.status)")
            }
            #expect(server.store.currentRevision == revision, "a failing patch applies none of its operations")
        }
    }
}
