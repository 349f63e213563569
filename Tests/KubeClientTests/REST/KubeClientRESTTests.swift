import Foundation
import JSONValue
import Synchronization
import Testing

@testable import KubeClient

struct KubeClientRESTTests {
    static let pods = GroupVersionResource(group: "", version: "v1", resource: "pods")
    static let fastRetries = RetryPolicy(
        maximumRetries: 10,
        backoff: ExponentialBackoff(initial: .milliseconds(1), maximum: .milliseconds(4)),
        maximumRetryAfter: .seconds(1)
    )

    static func client(
        _ transport: MemoryTransport, authentication: ClientConfiguration.Authentication = .none,
        metrics: RequestMetricsHook? = nil
    ) -> KubeClient {
        KubeClient(
            configuration: ClientConfiguration(
                server: "https://127.0.0.1:1", authentication: authentication, qps: 1000, burst: 1000),
            transport: transport,
            retryPolicy: fastRetries,
            metrics: metrics
        )
    }

    @Test func createGetUpdateConflictDelete() async throws {
        let transport = MemoryTransport()
        let client = Self.client(transport)
        let created = try await client.create(
            Self.pods, namespace: "a", object: ["metadata": ["name": "p"], "spec": ["x": 1]])
        #expect(created[path: "metadata", "namespace"] == "a")
        await #expect {
            _ = try await client.create(Self.pods, namespace: "a", object: ["metadata": ["name": "p"]])
        } throws: { ($0 as? KubeAPIError)?.reason == .alreadyExists }
        var fetched = try await client.get(Self.pods, namespace: "a", name: "p")
        fetched["spec"] = ["x": 2]
        let updated = try await client.update(Self.pods, namespace: "a", object: fetched)
        #expect(updated["spec"] == ["x": 2])
        // Updating from the stale copy conflicts.
        await #expect {
            _ = try await client.update(Self.pods, namespace: "a", object: fetched)
        } throws: { ($0 as? KubeAPIError)?.reason == .conflict }
        try await client.delete(Self.pods, namespace: "a", name: "p")
        await #expect {
            _ = try await client.get(Self.pods, namespace: "a", name: "p")
        } throws: { ($0 as? KubeAPIError)?.reason == .notFound }
    }

    @Test func retriesRetryAfterAndReportsMetrics() async throws {
        let transport = MemoryTransport()
        transport.serverCreate("pods", namespace: "a", name: "p")
        let metrics = Mutex<[RequestMetric]>([])
        let client = Self.client(transport, metrics: { metric in metrics.withLock { $0.append(metric) } })
        transport.inject([
            .status(429, retryAfter: 0, body: "Too many requests, please try again later."),
            .status(500, retryAfter: 0, body: ""),
            .connectionRefused,
            .status(503, retryAfter: nil, body: ""),
        ])
        let pod = try await client.get(Self.pods, namespace: "a", name: "p")
        #expect(pod[path: "metadata", "name"] == "p")
        let recorded = metrics.withLock { $0 }
        #expect(recorded.map(\.statusCode) == [429, 500, nil, 503, 200])
        #expect(recorded.map(\.attempt) == [0, 1, 2, 3, 4])
        #expect(Set(recorded.map(\.verb)) == ["get"])
        #expect(Set(recorded.map(\.resource)) == ["pods"])
    }

    @Test func givesUpAfterTenRetriesAndNeverRetriesUnsafeWritesWithoutRetryAfter() async throws {
        let transport = MemoryTransport()
        let client = Self.client(transport)
        transport.inject(
            Array(repeating: .status(429, retryAfter: 0, body: "Too many requests, please try again later."), count: 11)
        )
        await #expect {
            _ = try await client.list(Self.pods)
        } throws: { error in
            guard let error = error as? KubeAPIError else { return false }
            return error.reason == .tooManyRequests && error.message == "Too many requests, please try again later."
        }
        #expect(transport.requests.count == 11)
        transport.inject([.status(503, retryAfter: nil, body: "")])
        await #expect(throws: KubeAPIError.self) {
            _ = try await client.patch(Self.pods, namespace: "a", name: "p", type: .merge, patch: [:])
        }
        #expect(transport.requests.count == 12)
    }

    @Test func rereadsTokenFileAfter401() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        try Fixtures.write("old", to: directory + "/token")
        let transport = MemoryTransport()
        transport.serverCreate("pods", namespace: "a", name: "p")
        let client = Self.client(transport, authentication: .tokenFile(path: directory + "/token", fallback: nil))
        _ = try await client.get(Self.pods, namespace: "a", name: "p")
        // The token rotates on disk and the server stops accepting the old one.
        try Fixtures.write("new", to: directory + "/token")
        transport.acceptOnly(tokens: ["Bearer new"])
        _ = try await client.get(Self.pods, namespace: "a", name: "p")
        #expect(transport.authorizations == ["Bearer old", "Bearer old", "Bearer new"])
        // A fixed token gets no second chance.
        let fixed = Self.client(transport, authentication: .bearerToken("wrong"))
        await #expect { _ = try await fixed.list(Self.pods) } throws: { ($0 as? KubeAPIError)?.reason == .unauthorized }
    }

    @Test func pagerSharesResourceVersionAndFallsBackToFullList() async throws {
        let transport = MemoryTransport()
        for index in 0..<25 { transport.serverCreate("pods", namespace: "a", name: "p\(index)") }
        let client = Self.client(transport)
        var pages = 0
        let all = try await client.listAll(Self.pods, namespace: "a", pageSize: 10)
        #expect(all.items.count == 25)
        #expect(Set(all.items.compactMap { $0[path: "metadata", "name"]?.stringValue }).count == 25)
        let paths = transport.requests.map(\.path)
        #expect(paths[0] == "/api/v1/namespaces/a/pods?limit=10")
        #expect(paths[1].contains("continue=10%3A125") && !paths[1].contains("resourceVersion="))
        // Expired continue token: restart as one unpaginated list.
        transport.expireContinueTokens()
        var restarts: [Bool] = []
        _ = try await client.listPages(Self.pods, namespace: "a", pageSize: 10) { page, restarted in
            pages += 1
            restarts.append(restarted)
            if restarted { #expect(page.items.count == 25) }
        }
        #expect(restarts == [false, true])
        #expect(transport.requests.last?.path == "/api/v1/namespaces/a/pods")
    }

    @Test func watchDecodesSplitChunksAndStopsAfterError() async throws {
        let transport = MemoryTransport()
        let client = Self.client(transport)
        transport.serverCreate("pods", namespace: "a", name: "p1")
        transport.serverCreate("pods", namespace: "a", name: "p2")
        let stream = try await client.watch(
            Self.pods, options: WatchOptions(resourceVersion: "100", timeoutSeconds: 30))
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next()?.resourceVersion == "101")
        #expect(try await iterator.next()?.resourceVersion == "102")
        guard case .bookmark? = try await iterator.next() else {
            Issue.record("expected a bookmark")
            return
        }
        transport.serverDelete("pods", namespace: "a", name: "p1")
        guard case .deleted(let object)? = try await iterator.next() else {
            Issue.record("expected a deletion")
            return
        }
        #expect(object[path: "metadata", "name"] == "p1")
        transport.dropWatches()
        #expect(try await iterator.next() == nil)
        let query = try #require(transport.requests.last?.path)
        #expect(
            query.contains("watch=1") && query.contains("allowWatchBookmarks=true")
                && query.contains("timeoutSeconds=30"))
        // A compacted history answers with ERROR 410 inside the stream.
        transport.compact()
        var expired = try await client.watch(Self.pods, options: WatchOptions(resourceVersion: "101"))
            .makeAsyncIterator()
        guard case .error(let error)? = try await expired.next() else {
            Issue.record("expected an error event")
            return
        }
        #expect(error.isExpired)
        #expect(try await expired.next() == nil)
    }

    @Test func watchRefusalIsTypedError() async throws {
        let transport = MemoryTransport()
        transport.injectOnWatch([
            .status(403, retryAfter: nil, body: #"{"kind":"Status","reason":"Forbidden","message":"no","code":403}"#)
        ])
        await #expect {
            _ = try await Self.client(transport).watch(Self.pods)
        } throws: { ($0 as? KubeAPIError)?.reason == .forbidden }
    }

    @Test func pathsAndQueries() {
        let deployments = GroupVersionResource(group: "apps", version: "v1", resource: "deployments")
        #expect(
            ResourcePath.path(deployments, namespace: "ns", name: "web", subresource: "status")
                == "/apis/apps/v1/namespaces/ns/deployments/web/status")
        #expect(ResourcePath.path(Self.pods) == "/api/v1/pods")
        #expect(
            ResourcePath.withQuery("/x", [("labelSelector", "app in (a,b),tier!=db"), ("limit", nil)])
                == "/x?labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb")
    }
}
