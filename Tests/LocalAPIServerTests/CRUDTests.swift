import JSONValue
import Testing

@testable import LocalAPIServer

@Suite("Create, read, update, delete")
struct CRUDTests {
    @Test func createReturns201WithServerFieldsAndGetReadsItBack() async throws {
        try await withServer { _, client in
            let created = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            #expect(created.status == 201)
            let metadata = created.json["metadata"]
            #expect(metadata?["uid"]?.stringValue?.count == 36)
            #expect(metadata?["generation"] == 1)
            #expect(metadata?["creationTimestamp"]?.stringValue?.hasSuffix("Z") == true)
            let read = try await client.get("/api/v1/namespaces/default/pods/web")
            #expect(read.status == 200)
            #expect(read.json[path: "metadata", "uid"] == metadata?["uid"])
            #expect(read.json[path: "metadata", "resourceVersion"] == metadata?["resourceVersion"])
        }
    }

    @Test func duplicateCreateIs409AlreadyExists() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            let again = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("web"))
            #expect(again.status == 409)
            #expect(again.json["reason"] == "AlreadyExists")
            #expect(again.json["message"] == "pods \"web\" already exists")
            #expect(again.json[path: "details", "kind"] == "pods")
        }
    }

    @Test func missingObjectIs404NotFoundStatus() async throws {
        try await withServer { _, client in
            let reply = try await client.get("/apis/apps/v1/namespaces/default/deployments/nope")
            #expect(reply.status == 404)
            #expect(reply.json["kind"] == "Status")
            #expect(reply.json["message"] == "deployments.apps \"nope\" not found")
        }
    }

    @Test func createInMissingNamespaceIs404() async throws {
        try await withServer { _, client in
            let reply = try await client.post("/api/v1/namespaces/ghost/pods", Fixtures.pod("web", namespace: "ghost"))
            #expect(reply.status == 404)
            #expect(reply.json["message"] == "namespaces \"ghost\" not found")
        }
    }

    @Test func staleUpdateIs409ConflictAndCurrentUpdateBumpsResourceVersion() async throws {
        try await withServer { _, client in
            let created = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("web")).json
            var changed = created
            changed["metadata"]?["labels"] = ["tier": "front"]
            let updated = try await client.put("/api/v1/namespaces/default/pods/web", changed)
            #expect(updated.status == 200)
            let oldVersion = created[path: "metadata", "resourceVersion"]?.stringValue ?? ""
            let newVersion = updated.json[path: "metadata", "resourceVersion"]?.stringValue ?? ""
            #expect(Int(newVersion)! > Int(oldVersion)!)
            let stale = try await client.put("/api/v1/namespaces/default/pods/web", changed)
            #expect(stale.status == 409)
            #expect(stale.json["reason"] == "Conflict")
            #expect(
                stale.json["message"]
                    == "Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again"
            )
        }
    }

    @Test func noOpUpdateKeepsResourceVersion() async throws {
        try await withServer { _, client in
            let created = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("web")).json
            let same = try await client.put("/api/v1/namespaces/default/pods/web", created)
            #expect(same.status == 200)
            #expect(same.json[path: "metadata", "resourceVersion"] == created[path: "metadata", "resourceVersion"])
        }
    }

    @Test func customResourceUpdateRules() async throws {
        try await withServer { _, client in
            #expect(
                try await client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Fixtures.widgetCRD)
                    .status == 201)
            let created = try await client.post(
                "/apis/example.com/v1/namespaces/default/widgets", Fixtures.widget("w1", size: 3))
            #expect(created.status == 201)
            var withoutVersion = created.json
            withoutVersion["metadata"]?["resourceVersion"] = nil
            let unconditional = try await client.put(
                "/apis/example.com/v1/namespaces/default/widgets/w1", withoutVersion)
            #expect(unconditional.status == 422)
            #expect(unconditional.json[path: "details", "causes"]?[0]?["field"] == "metadata.resourceVersion")
            let missing = try await client.put(
                "/apis/example.com/v1/namespaces/default/widgets/w2", Fixtures.widget("w2", size: 1))
            #expect(missing.status == 404)
            var resized = created.json
            resized["spec"]?["size"] = 5
            let updated = try await client.put("/apis/example.com/v1/namespaces/default/widgets/w1", resized)
            #expect(updated.status == 200)
            #expect(updated.json[path: "metadata", "generation"] == 2)
        }
    }

    @Test func statusSubresourceChangesOnlyStatus() async throws {
        try await withServer { _, client in
            _ = try await client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Fixtures.widgetCRD)
            var widget = try await client.post(
                "/apis/example.com/v1/namespaces/default/widgets", Fixtures.widget("w1", size: 3)
            ).json
            widget["status"] = ["conditions": [["type": "Ready", "status": "True"]]]
            widget["spec"]?["size"] = 99
            let reply = try await client.put("/apis/example.com/v1/namespaces/default/widgets/w1/status", widget)
            #expect(reply.status == 200)
            #expect(reply.json[path: "status", "conditions"]?[0]?["status"] == "True")
            #expect(reply.json[path: "spec", "size"] == 3)
            #expect(reply.json[path: "metadata", "generation"] == 1)
            var mainUpdate = reply.json
            mainUpdate["status"] = ["conditions": []]
            let main = try await client.put("/apis/example.com/v1/namespaces/default/widgets/w1", mainUpdate)
            #expect(main.json[path: "status", "conditions"]?[0]?["status"] == "True")
        }
    }

    @Test func patchTypes() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("web", labels: ["a": "1"]))
            let merge = try await client.patch(
                "/api/v1/namespaces/default/pods/web", ["metadata": ["labels": ["a": nil, "b": "2"]]],
                type: "application/merge-patch+json")
            #expect(merge.status == 200)
            #expect(merge.json[path: "metadata", "labels"] == ["b": "2"])
            let json = try await client.patch(
                "/api/v1/namespaces/default/pods/web",
                [["op": "replace", "path": "/spec/containers/0/image", "value": "nginx:1.28"]],
                type: "application/json-patch+json")
            #expect(json.json[path: "spec", "containers"]?[0]?["image"] == "nginx:1.28")
            let strategic = try await client.patch(
                "/api/v1/namespaces/default/pods/web",
                ["spec": ["containers": [["name": "sidecar", "image": "busybox"]]]],
                type: "application/strategic-merge-patch+json")
            #expect(strategic.json[path: "spec", "containers"]?.arrayValue?.count == 2)
            let failedTest = try await client.patch(
                "/api/v1/namespaces/default/pods/web", [["op": "test", "path": "/metadata/name", "value": "other"]],
                type: "application/json-patch+json")
            #expect(failedTest.status == 422)
            let stale = try await client.patch(
                "/api/v1/namespaces/default/pods/web", ["metadata": ["resourceVersion": "1"]],
                type: "application/merge-patch+json")
            #expect(stale.status == 409)
        }
    }

    @Test func strategicMergePatchIsRefusedForCustomResources() async throws {
        try await withServer { _, client in
            _ = try await client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Fixtures.widgetCRD)
            _ = try await client.post("/apis/example.com/v1/namespaces/default/widgets", Fixtures.widget("w1", size: 3))
            let reply = try await client.patch(
                "/apis/example.com/v1/namespaces/default/widgets/w1", ["spec": ["size": 4]],
                type: "application/strategic-merge-patch+json")
            #expect(reply.status == 415)
        }
    }

    @Test func serverSideApplyNeedsFieldManagerAndCreates() async throws {
        try await withServer { _, client in
            let body = Fixtures.pod("applied")
            let missing = try await client.patch(
                "/api/v1/namespaces/default/pods/applied", body, type: "application/apply-patch+yaml")
            #expect(missing.status == 422)
            let created = try await client.patch(
                "/api/v1/namespaces/default/pods/applied?fieldManager=test", body, type: "application/apply-patch+yaml")
            #expect(created.status == 201)
            let forced = try await client.patch(
                "/api/v1/namespaces/default/pods/applied?force=true", ["metadata": ["labels": ["x": "y"]]],
                type: "application/merge-patch+json")
            #expect(forced.status == 422)
        }
    }

    @Test func deleteWithPreconditions() async throws {
        try await withServer { _, client in
            let created = try await client.post(
                "/api/v1/namespaces/default/configmaps",
                [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"], "data": ["k": "v"],
                ]
            ).json
            let wrongUID = try await client.delete(
                "/api/v1/namespaces/default/configmaps/c", ["preconditions": ["uid": "nope"]])
            #expect(wrongUID.status == 409)
            let deleted = try await client.delete(
                "/api/v1/namespaces/default/configmaps/c",
                ["preconditions": ["uid": created[path: "metadata", "uid"] ?? .null]])
            #expect(deleted.status == 200)
            #expect(deleted.json["status"] == "Success")
            #expect(try await client.get("/api/v1/namespaces/default/configmaps/c").status == 404)
            #expect(try await client.delete("/api/v1/namespaces/default/configmaps/c").status == 404)
        }
    }

    @Test func deleteCollectionBySelector() async throws {
        try await withServer { _, client in
            for index in 0..<4 {
                _ = try await client.post(
                    "/api/v1/namespaces/default/pods",
                    Fixtures.pod("p\(index)", labels: ["even": index % 2 == 0 ? "yes" : "no"]))
            }
            let reply = try await client.delete("/api/v1/namespaces/default/pods?labelSelector=even%3Dyes")
            #expect(reply.status == 200)
            #expect(reply.json["items"]?.arrayValue?.count == 2)
            let rest = try await client.get("/api/v1/namespaces/default/pods").json
            #expect(
                rest["items"]?.arrayValue?.compactMap { $0[path: "metadata", "name"]?.stringValue } == ["p1", "p3"])
        }
    }
}
