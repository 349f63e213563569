import Foundation
import JSONValue
import Testing

@testable import LocalAPIServer

@Suite("List, selectors, pagination, resourceVersion rules")
struct ListTests {
    static func names(_ list: JSONValue) -> [String] {
        list["items"]?.arrayValue?.compactMap { $0[path: "metadata", "name"]?.stringValue } ?? []
    }

    @Test func labelAndFieldSelectors() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces", Fixtures.namespace("team"))
            _ = try await client.post(
                "/api/v1/namespaces/default/pods", Fixtures.pod("a", labels: ["app": "web", "tier": "1"]))
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("b", labels: ["app": "db"]))
            _ = try await client.post(
                "/api/v1/namespaces/team/pods", Fixtures.pod("c", namespace: "team", labels: ["app": "web"]))
            let all = try await client.get("/api/v1/pods").json
            #expect(Self.names(all) == ["a", "b", "c"])
            #expect(all["kind"] == "PodList")
            let web = try await client.get("/api/v1/pods?labelSelector=app%3Dweb").json
            #expect(Self.names(web) == ["a", "c"])
            let setBased = try await client.get("/api/v1/pods?labelSelector=app%20in%20(db),!tier").json
            #expect(Self.names(setBased) == ["b"])
            let byNamespace = try await client.get("/api/v1/pods?fieldSelector=metadata.namespace%3Dteam").json
            #expect(Self.names(byNamespace) == ["c"])
            let byName = try await client.get("/api/v1/namespaces/default/pods?fieldSelector=metadata.name!%3Da").json
            #expect(Self.names(byName) == ["b"])
            let badField = try await client.get("/api/v1/pods?fieldSelector=spec.unknown%3Dx")
            #expect(badField.status == 400)
            let badLabel = try await client.get("/api/v1/pods?labelSelector=app%20in%20db")
            #expect(badLabel.status == 400)
        }
    }

    @Test func pagesAreConsistentUnderConcurrentWrites() async throws {
        try await withServer { server, client in
            for index in 0..<25 {
                _ = try await client.post(
                    "/api/v1/namespaces/default/pods", Fixtures.pod(String(format: "p%02d", index)))
            }
            let first = try await client.get("/api/v1/namespaces/default/pods?limit=10").json
            let listVersion = first[path: "metadata", "resourceVersion"]
            #expect(Self.names(first).count == 10)
            #expect(first[path: "metadata", "remainingItemCount"] == 15)
            // Writes between pages: a delete of a later item, a new item, a change to a later item.
            _ = try await client.delete("/api/v1/namespaces/default/pods/p15")
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("p12a"))
            _ = try await client.patch(
                "/api/v1/namespaces/default/pods/p20", ["metadata": ["labels": ["changed": "yes"]]],
                type: "application/merge-patch+json")
            var names = Self.names(first)
            var token = first[path: "metadata", "continue"]?.stringValue
            while let current = token {
                let page = try await client.get("/api/v1/namespaces/default/pods?limit=10&continue=\(current)").json
                #expect(page[path: "metadata", "resourceVersion"] == listVersion)
                names += Self.names(page)
                for item in page["items"]?.arrayValue ?? [] where item[path: "metadata", "name"] == "p20" {
                    #expect(item[path: "metadata", "labels", "changed"] == nil)
                }
                token = page[path: "metadata", "continue"]?.stringValue
            }
            #expect(names == (0..<25).map { String(format: "p%02d", $0) })
            #expect(server.store.count(of: GroupResource(group: "", resource: "pods")) == 25)
        }
    }

    @Test func expiredContinueIs410WithInconsistentContinuation() async throws {
        try await withServer { server, client in
            for index in 0..<6 {
                _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("p\(index)"))
            }
            let first = try await client.get("/api/v1/namespaces/default/pods?limit=2").json
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("p9"))
            server.store.compact()
            let token = first[path: "metadata", "continue"]?.stringValue ?? ""
            let expired = try await client.get("/api/v1/namespaces/default/pods?limit=2&continue=\(token)")
            #expect(expired.status == 410)
            #expect(expired.json["reason"] == "Expired")
            let inconsistent = expired.json[path: "metadata", "continue"]?.stringValue ?? ""
            #expect(!inconsistent.isEmpty)
            let rest = try await client.get("/api/v1/namespaces/default/pods?continue=\(inconsistent)").json
            #expect(Self.names(rest) == ["p2", "p3", "p4", "p5", "p9"])
        }
    }

    @Test func resourceVersionRules() async throws {
        try await withServer { server, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            let versionA = server.store.currentRevision
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("b"))
            let exact = try await client.get(
                "/api/v1/namespaces/default/pods?resourceVersion=\(versionA)&resourceVersionMatch=Exact"
            ).json
            #expect(Self.names(exact) == ["a"])
            #expect(exact[path: "metadata", "resourceVersion"] == .string(String(versionA)))
            let notOlder = try await client.get(
                "/api/v1/namespaces/default/pods?resourceVersion=\(versionA)&resourceVersionMatch=NotOlderThan"
            ).json
            #expect(Self.names(notOlder) == ["a", "b"])
            let matchWithoutVersion = try await client.get("/api/v1/pods?resourceVersionMatch=Exact")
            #expect(matchWithoutVersion.status == 422)
            #expect(matchWithoutVersion.json[path: "details", "kind"] == "ListOptions")
            let exactZero = try await client.get("/api/v1/pods?resourceVersion=0&resourceVersionMatch=Exact")
            #expect(exactZero.status == 422)
            let continueWithVersion = try await client.get("/api/v1/pods?resourceVersion=5&continue=abc")
            #expect(continueWithVersion.status == 400)
            let tooNew = try await client.get("/api/v1/pods?resourceVersion=999999")
            #expect(tooNew.status == 504)
            #expect(tooNew.json[path: "details", "causes"]?[0]?["reason"] == "ResourceVersionTooLarge")
            let sendInitialOnList = try await client.get("/api/v1/pods?sendInitialEvents=true")
            #expect(sendInitialOnList.status == 422)
            server.store.compact()
            let compacted = try await client.get(
                "/api/v1/namespaces/default/pods?resourceVersion=\(versionA)&resourceVersionMatch=Exact")
            #expect(compacted.status == 410)
        }
    }
}
