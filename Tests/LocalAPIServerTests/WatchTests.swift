import JSONValue
import Testing

@testable import LocalAPIServer

@Suite("Watch streams")
struct WatchTests {
    static func summary(_ lines: [JSONValue]) -> [String] {
        lines.map { line in
            let type = line["type"]?.stringValue ?? "?"
            let name = line[path: "object", "metadata", "name"]?.stringValue ?? ""
            return name.isEmpty ? type : "\(type) \(name)"
        }
    }

    @Test func watchFromCurrentStateSendsSyntheticAddsThenChangesInOrder() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            async let stream = client.get("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=2")
            try await Task.sleep(for: .milliseconds(500))
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("b"))
            _ = try await client.patch(
                "/api/v1/namespaces/default/pods/a", ["metadata": ["labels": ["x": "1"]]],
                type: "application/merge-patch+json")
            _ = try await client.delete("/api/v1/namespaces/default/pods/b")
            let reply = try await stream
            #expect(reply.status == 200)
            #expect(Self.summary(reply.lines) == ["ADDED a", "ADDED b", "MODIFIED a", "DELETED b"])
            let versions = reply.lines.compactMap { $0[path: "object", "metadata", "resourceVersion"]?.stringValue }
                .compactMap { Int($0) }
            #expect(versions == versions.sorted())
            #expect(Set(versions).count == versions.count)
        }
    }

    @Test func watchFromResourceVersionSendsOnlyLaterChanges() async throws {
        try await withServer { server, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            let version = server.store.currentRevision
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("b"))
            let reply = try await client.get(
                "/api/v1/namespaces/default/pods?watch=1&resourceVersion=\(version)&timeoutSeconds=1")
            #expect(Self.summary(reply.lines) == ["ADDED b"])
        }
    }

    @Test func selectorTransitionsArriveAsAddedAndDeleted() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            async let stream = client.get(
                "/api/v1/namespaces/default/pods?watch=1&labelSelector=app%3Dweb&timeoutSeconds=2")
            try await Task.sleep(for: .milliseconds(500))
            _ = try await client.patch(
                "/api/v1/namespaces/default/pods/a", ["metadata": ["labels": ["app": "web"]]],
                type: "application/merge-patch+json")
            _ = try await client.patch(
                "/api/v1/namespaces/default/pods/a", ["metadata": ["labels": ["app": "db"]]],
                type: "application/merge-patch+json")
            #expect(Self.summary(try await stream.lines) == ["ADDED a", "DELETED a"])
        }
    }

    @Test func compactedResourceVersionGivesErrorEvent410() async throws {
        try await withServer { server, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            let old = server.store.currentRevision
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("b"))
            server.store.compact()
            let reply = try await client.get("/api/v1/namespaces/default/pods?watch=1&resourceVersion=\(old)")
            #expect(reply.status == 200)
            #expect(reply.lines.count == 1)
            #expect(reply.lines.first?["type"] == "ERROR")
            #expect(reply.lines.first?[path: "object", "code"] == 410)
            #expect(reply.lines.first?[path: "object", "reason"] == "Expired")
        }
    }

    @Test func bookmarksCarryTheCurrentResourceVersion() async throws {
        let configuration = LocalAPIServer.Configuration(port: 0, tls: .disabled, bookmarkInterval: .milliseconds(300))
        try await withServer(configuration) { server, client in
            let reply = try await client.get(
                "/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=1")
            let bookmarks = reply.lines.filter { $0["type"] == "BOOKMARK" }
            #expect(!bookmarks.isEmpty)
            #expect(bookmarks.first?[path: "object", "kind"] == "Pod")
            #expect(
                bookmarks.first?[path: "object", "metadata", "resourceVersion"]
                    == .string(String(server.store.currentRevision)))
            let without = try await client.get("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1")
            #expect(without.lines.allSatisfy { $0["type"] != "BOOKMARK" })
        }
    }

    @Test func sendInitialEventsEndsWithAnnotatedBookmark() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("b"))
            let reply = try await client.get(
                "/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                    + "&allowWatchBookmarks=true&timeoutSeconds=1")
            let lines = reply.lines
            #expect(Self.summary(lines) == ["ADDED a", "ADDED b", "BOOKMARK"])
            #expect(lines.last?[path: "object", "metadata", "annotations", "k8s.io/initial-events-end"] == "true")
            let missingMatch = try await client.get(
                "/api/v1/pods?watch=1&sendInitialEvents=true&allowWatchBookmarks=true")
            #expect(missingMatch.status == 422)
        }
    }

    @Test func closingWatchesEndsStreamsCleanly() async throws {
        try await withServer { server, client in
            async let stream = client.get("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=30")
            try await Task.sleep(for: .milliseconds(500))
            #expect(server.store.openWatchCount == 1)
            #expect(server.store.closeAllWatches() == 1)
            let reply = try await stream
            #expect(reply.status == 200)
            #expect(reply.lines.isEmpty)
        }
    }
}
