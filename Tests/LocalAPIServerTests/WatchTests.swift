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

    @Test func aBookmarkPrecedesTheWatchDeadlineWhenBookmarksAreAllowed() async throws {
        try await withServer { server, client in
            async let stream = client.get(
                "/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=2")
            async let plain = client.get("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=2")
            try await Task.sleep(for: .milliseconds(300))
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            let lines = try await stream.lines
            // The periodic bookmarks come once a minute; this one is the deadline bookmark, sent after the
            // change and carrying the revision the watch has seen, with no ERROR at the end.
            #expect(Self.summary(lines) == ["ADDED a", "BOOKMARK"])
            #expect(lines.last?[path: "object", "kind"] == "Pod")
            #expect(
                lines.last?[path: "object", "metadata", "resourceVersion"]
                    == .string(String(server.store.currentRevision)))
            #expect(Self.summary(try await plain.lines) == ["ADDED a"], "no bookmark unless the client allows them")
        }
    }

    @Test func bookmarkLeadIsTwoSecondsOrHalfAShortTimeout() {
        #expect(APIHandler.bookmarkLead(before: .seconds(300)) == .seconds(2))
        #expect(APIHandler.bookmarkLead(before: .seconds(2)) == .seconds(1))
    }

    @Test func sendInitialEventsEndsWithAnnotatedBookmark() async throws {
        try await withServer { _, client in
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("a"))
            _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("b"))
            let reply = try await client.get(
                "/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                    + "&allowWatchBookmarks=true&timeoutSeconds=1")
            let lines = reply.lines
            // Then only the bookmark the server sends shortly before the 1 s deadline.
            #expect(Array(Self.summary(lines).prefix(3)) == ["ADDED a", "ADDED b", "BOOKMARK"])
            #expect(Self.summary(lines).dropFirst(3).allSatisfy { $0 == "BOOKMARK" })
            #expect(
                lines.dropFirst(2).first?[path: "object", "metadata", "annotations", "k8s.io/initial-events-end"]
                    == "true")
            let missingMatch = try await client.get(
                "/api/v1/pods?watch=1&sendInitialEvents=true&allowWatchBookmarks=true")
            #expect(missingMatch.status == 422)
        }
    }

    @Test func closingWatchesEndsStreamsCleanly() async throws {
        try await withServer { server, client in
            async let stream = client.get("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=30")
            #expect(await eventually { server.store.openWatchCount == 1 })
            #expect(server.store.closeAllWatches() == 1)
            let reply = try await stream
            #expect(reply.status == 200)
            #expect(reply.lines.isEmpty)
        }
    }
}

@Suite("Watch cleanup")
struct WatchCleanupTests {
    @Test func disconnectedWatchIsUnregisteredOnceWritesFail() async throws {
        try await withServer { server, client in
            let watch = Task { try await client.get("/api/v1/namespaces/default/pods?watch=1") }
            #expect(await eventually { server.store.openWatchCount == 1 })
            watch.cancel()
            _ = await watch.result
            // An idle stream only learns that its client left when a write fails (the first may still be buffered).
            let deadline = ContinuousClock.now + .seconds(5)
            var index = 0
            while server.store.openWatchCount > 0, ContinuousClock.now < deadline {
                _ = try await client.post("/api/v1/namespaces/default/pods", Fixtures.pod("wake-\(index)"))
                index += 1
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(server.store.openWatchCount == 0)
        }
    }
}
