import JSONValue
import Testing

@testable import LocalAPIServer

@Suite("Discovery and server-side printing")
struct DiscoveryAndTableTests {
    static let aggregatedAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
    static let tableAccept =
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

    @Test func aggregatedDiscoveryIsChosenByAcceptAndMarkedInContentType() async throws {
        try await withServer { _, client in
            let reply = try await client.get("/apis", headers: ["Accept": Self.aggregatedAccept])
            #expect(
                reply.headers["content-type"] == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
            #expect(reply.json["kind"] == "APIGroupDiscoveryList")
            let apps = reply.json["items"]?.arrayValue?.first { $0[path: "metadata", "name"] == "apps" }
            let deployments = apps?["versions"]?[0]?["resources"]?.arrayValue?.first { $0["resource"] == "deployments" }
            #expect(deployments?["scope"] == "Namespaced")
            #expect(deployments?["shortNames"] == ["deploy"])
            #expect(deployments?[path: "responseKind", "kind"] == "Deployment")
            let core = try await client.get("/api", headers: ["Accept": Self.aggregatedAccept]).json
            #expect(core["items"]?[0]?[path: "metadata", "name"] == "")
            let legacy = try await client.get("/apis").json
            #expect(legacy["kind"] == "APIGroupList")
        }
    }

    @Test func appliedCRDIsServedAtOnce() async throws {
        try await withServer { _, client in
            #expect(try await client.get("/apis/example.com/v1").status == 404)
            let created = try await client.post(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Fixtures.widgetCRD)
            #expect(created.status == 201)
            #expect(
                created.json[path: "status", "conditions"]?.arrayValue?.contains { $0["type"] == "Established" } == true
            )
            let resources = try await client.get("/apis/example.com/v1").json
            let widget = resources["resources"]?.arrayValue?.first { $0["name"] == "widgets" }
            #expect(widget?["namespaced"] == true)
            #expect(widget?["shortNames"] == ["wd"])
            #expect(resources["resources"]?.arrayValue?.contains { $0["name"] == "widgets/status" } == true)
            _ = try await client.post("/apis/example.com/v1/namespaces/default/widgets", Fixtures.widget("w", size: 1))
            _ = try await client.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
            #expect(try await client.get("/apis/example.com/v1/namespaces/default/widgets/w").status == 404)
        }
    }

    @Test func invalidCRDIs422() async throws {
        try await withServer { _, client in
            var crd = Fixtures.widgetCRD
            crd["metadata"] = ["name": "wrong.example.com"]
            let reply = try await client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
            #expect(reply.status == 422)
            #expect(reply.json[path: "details", "causes"]?[0]?["field"] == "metadata.name")
        }
    }

    @Test func tableFromPrinterColumns() async throws {
        try await withServer { _, client in
            _ = try await client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Fixtures.widgetCRD)
            var widget = try await client.post(
                "/apis/example.com/v1/namespaces/default/widgets", Fixtures.widget("w", size: 7)
            ).json
            widget["status"] = [
                "conditions": [["type": "Other", "status": "False"], ["type": "Ready", "status": "True"]]
            ]
            _ = try await client.put("/apis/example.com/v1/namespaces/default/widgets/w/status", widget)
            let reply = try await client.get(
                "/apis/example.com/v1/widgets?limit=500", headers: ["Accept": Self.tableAccept])
            let table = reply.json
            #expect(table["kind"] == "Table")
            #expect(
                table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                    "Name", "Size", "Color", "Ready", "Age",
                ])
            let row = table["rows"]?[0]
            #expect(row?["cells"]?[0] == "w")
            #expect(row?["cells"]?[1] == 7)
            #expect(row?["cells"]?[2] == "blue")
            #expect(row?["cells"]?[3] == "True")
            #expect(row?["cells"]?[4]?.stringValue?.hasSuffix("s") == true)
            #expect(row?[path: "object", "kind"] == "PartialObjectMetadata")
            #expect(row?[path: "object", "metadata", "namespace"] == "default")
        }
    }

    @Test func builtinTableAndNotAcceptable() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            let table = try await client.get("/api/v1/namespaces/default/pods", headers: ["Accept": Self.tableAccept])
                .json
            #expect(
                table["columnDefinitions"]?.arrayValue?.prefix(5).compactMap { $0["name"]?.stringValue } == [
                    "Name", "Ready", "Status", "Restarts", "Age",
                ])
            #expect(table["rows"]?[0]?["cells"]?[1] == "0/1")
            let refused = try await client.get(
                "/api/v1/namespaces/default/pods", headers: ["Accept": "application/json;as=Table;v=v2;g=meta.k8s.io"])
            #expect(refused.status == 406)
        }
    }

    @Test(arguments: [
        ("30s", 30), ("2m", 120), ("3m5s", 185), ("15m", 900), ("5h10m", 18600), ("20h", 72000), ("3d4h", 273600),
        ("100d", 8_640_000),
    ])
    func humanDuration(expected: String, seconds: Int) {
        #expect(HumanDuration.format(seconds: seconds) == expected)
    }
}
