import Foundation
import JSONValue
import KubeClient
import RealClusterSupport
import Synchronization
import Testing

/// Vigil's client (libcurl, HTTP/2) against a real kube-apiserver: paging, watches with bookmarks, 410 after
/// a real etcd compaction, conflicts, Status errors, and the authentication a cluster offers. One cluster for
/// the suite, each test in its own namespace. PodTemplates bypass the watch cache (`--watch-cache-sizes`),
/// so their lists and watches read etcd and see its compactions, as on a busy cluster.
@Suite(
    "KubeClient against a real kube-apiserver", .serialized,
    .enabled(if: RealCluster.isAvailable, "needs KUBEBUILDER_ASSETS (the envtest convention)"),
    .sharedCluster(apiServerArguments: ["--watch-cache-sizes=podtemplates#0"]))
struct KubeClientRealClusterTests {
    static let configMaps = GroupVersionResource(group: "", version: "v1", resource: "configmaps")
    static let podTemplates = GroupVersionResource(group: "", version: "v1", resource: "podtemplates")
    static let secrets = GroupVersionResource(group: "", version: "v1", resource: "secrets")

    static func configMap(_ name: String, namespace: String, data: String = "v") -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "data": ["key": .string(data)],
        ]
    }

    static func podTemplate(_ name: String, namespace: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "PodTemplate",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "template": ["spec": ["containers": [["name": "c", "image": "busybox:1.36"]]]],
        ]
    }

    /// A fresh namespace for one test.
    static func namespace(_ client: KubeClient, _ prefix: String) async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await client.create(
            GroupVersionResource(group: "", version: "v1", resource: "namespaces"), namespace: nil,
            object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
        return name
    }

    @Test func pagedListsFollowContinueTokensAndRestartWhenTheTokenExpires() async throws {
        let cluster = try #require(SharedCluster.current)
        try await cluster.withClient { client in
            let namespace = try await Self.namespace(client, "paging")
            for index in 0..<25 {
                _ = try await client.create(
                    Self.podTemplates, namespace: namespace, object: Self.podTemplate("t\(index)", namespace: namespace)
                )
            }
            var pages: [ListPage] = []
            let version = try await client.listPages(Self.podTemplates, namespace: namespace, pageSize: 10) {
                page, restarted in
                #expect(!restarted)
                pages.append(page)
            }
            #expect(pages.map(\.items.count) == [10, 10, 5])
            #expect(pages.map { $0.continueToken.isEmpty } == [false, false, true])
            #expect(pages.first?.remainingItemCount == 15)
            #expect(Set(pages.map(\.resourceVersion)) == [version], "every page is read at the first page's version")
            let names = pages.flatMap(\.items).compactMap { $0[path: "metadata", "name"]?.stringValue }
            #expect(Set(names) == Set((0..<25).map { "t\($0)" }) && names.count == 25)

            // A continue token whose version etcd compacted away: 410 Expired, and the pager restarts.
            let first = try await client.list(Self.podTemplates, namespace: namespace, options: ListOptions(limit: 10))
            _ = try await client.create(
                Self.configMaps, namespace: namespace, object: Self.configMap("bump", namespace: namespace))
            try await cluster.compactEtcd()
            await #expect {
                _ = try await client.list(
                    Self.podTemplates, namespace: namespace,
                    options: ListOptions(limit: 10, continueToken: first.continueToken))
            } throws: { error in
                let error = error as? KubeAPIError
                return error?.code == 410 && error?.reason == .expired
            }
            var restarts: [Bool] = []
            var items = 0
            try await client.listPages(Self.podTemplates, namespace: namespace, pageSize: 10) { page, restarted in
                restarts.append(restarted)
                if restarted { items = 0 }
                items += page.items.count
                if restarts.count == 1 {
                    _ = try await client.create(
                        Self.configMaps, namespace: namespace, object: Self.configMap("bump-2", namespace: namespace))
                    try await cluster.compactEtcd()
                }
            }
            #expect(restarts == [false, true])
            #expect(items == 25)
        }
    }

    @Test func watchDeliversChangesAndBookmarksAndA410AfterCompaction() async throws {
        let cluster = try #require(SharedCluster.current)
        try await cluster.withClient { client in
            let namespace = try await Self.namespace(client, "watch")
            let start = try await client.list(Self.configMaps, namespace: namespace)
            // The watch cache sends a bookmark shortly before a watch's timeout.
            let stream = try await client.watch(
                Self.configMaps, namespace: namespace,
                options: WatchOptions(
                    resourceVersion: start.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 4))
            _ = try await client.create(
                Self.configMaps, namespace: namespace, object: Self.configMap("a", namespace: namespace))
            _ = try await client.patch(
                Self.configMaps, namespace: namespace, name: "a", type: .merge, patch: ["data": ["key": "w"]])
            try await client.delete(Self.configMaps, namespace: namespace, name: "a")
            var kinds: [String] = []
            var bookmarkVersion: String?
            for try await event in stream {
                switch event {
                case .added: kinds.append("added")
                case .modified: kinds.append("modified")
                case .deleted: kinds.append("deleted")
                case .bookmark: bookmarkVersion = event.resourceVersion
                case .error(let error): Issue.record("watch error \(error)")
                }
            }
            #expect(kinds == ["added", "modified", "deleted"])
            let bookmark = try #require(bookmarkVersion, "no bookmark before the watch timed out")
            #expect((Int(bookmark) ?? 0) >= (Int(start.resourceVersion) ?? .max))

            // Uncached PodTemplates read etcd: a watch from a compacted version is 410 Expired.
            let old = try await client.list(Self.podTemplates, namespace: namespace)
            // Two writes: a watch from version V resumes at V+1, which a compaction at V+1 still keeps.
            for name in ["b", "c"] {
                _ = try await client.create(
                    Self.configMaps, namespace: namespace, object: Self.configMap(name, namespace: namespace))
            }
            try await cluster.compactEtcd()
            var expired: KubeAPIError?
            do {
                let stale = try await client.watch(
                    Self.podTemplates, namespace: namespace,
                    options: WatchOptions(resourceVersion: old.resourceVersion, timeoutSeconds: 10))
                for try await event in stale {
                    if case .error(let error) = event { expired = error }
                }
            } catch let error as KubeAPIError {
                expired = error
            }
            #expect(expired?.code == 410 && expired?.reason == .expired, "\(String(describing: expired))")
        }
    }

    @Test func informerRelistsAfterARealExpiryAndKeepsItsViewExact() async throws {
        let cluster = try #require(SharedCluster.current)
        try await cluster.withClient { client in
            let namespace = try await Self.namespace(client, "informer")
            for index in 0..<7 {
                _ = try await client.create(
                    Self.podTemplates, namespace: namespace, object: Self.podTemplate("t\(index)", namespace: namespace)
                )
            }
            let informer = Informer(
                client: client,
                configuration: Informer.Configuration(
                    resource: Self.podTemplates, namespace: namespace, pageSize: 3, keepsObjects: false,
                    minimumWatchTimeout: .seconds(1),
                    backoff: ExponentialBackoff(initial: .milliseconds(50), maximum: .milliseconds(500))))
            let deletions = Mutex(0)
            let task = Task {
                try await informer.run { event in
                    if case .deleted = event { deletions.withLock { $0 += 1 } }
                }
            }
            defer { task.cancel() }
            await informer.waitUntilSynced()
            #expect(informer.store.count == 7)
            // Changes through the watch.
            _ = try await client.create(
                Self.podTemplates, namespace: namespace, object: Self.podTemplate("t7", namespace: namespace))
            try await client.delete(Self.podTemplates, namespace: namespace, name: "t0")
            #expect(try await eventually { informer.store.count == 7 && deletions.withLock { $0 } == 1 })

            // Other writes move etcd on; compacting there expires the informer's version, so its next
            // watch (they end within 1-2 s) gets 410 and it relists.
            for round in 0..<10 where informer.statistics.expiredRelists == 0 {
                _ = try await client.create(
                    Self.configMaps, namespace: namespace, object: Self.configMap("bump-\(round)", namespace: namespace)
                )
                try await cluster.compactEtcd()
                _ = try await eventually(timeout: .seconds(3)) { informer.statistics.expiredRelists > 0 }
            }
            #expect(informer.statistics.expiredRelists > 0, "no 410 in \(informer.statistics)")
            _ = try await client.create(
                Self.podTemplates, namespace: namespace, object: Self.podTemplate("t8", namespace: namespace))
            let server = try await client.listAll(Self.podTemplates, namespace: namespace).items
            let expected = Set(server.compactMap { $0[path: "metadata", "uid"]?.stringValue })
            #expect(expected.count == 8)
            #expect(try await eventually { Set(informer.store.entries.keys) == expected })
        }
    }

    @Test func conflictsAndStatusErrorsCarryTheirReasons() async throws {
        let cluster = try #require(SharedCluster.current)
        try await cluster.withClient { client in
            let namespace = try await Self.namespace(client, "errors")
            let created = try await client.create(
                Self.configMaps, namespace: namespace, object: Self.configMap("a", namespace: namespace))
            var changed = created
            changed["data"] = ["key": "w"]
            _ = try await client.update(Self.configMaps, namespace: namespace, object: changed)
            await #expect {
                _ = try await client.update(Self.configMaps, namespace: namespace, object: changed)
            } throws: { error in
                let error = error as? KubeAPIError
                return error?.code == 409 && error?.reason == .conflict && error?.details?.name == "a"
            }
            await #expect {
                _ = try await client.create(
                    Self.configMaps, namespace: namespace, object: Self.configMap("a", namespace: namespace))
            } throws: { ($0 as? KubeAPIError)?.reason == .alreadyExists && ($0 as? KubeAPIError)?.code == 409 }
            await #expect {
                _ = try await client.get(Self.configMaps, namespace: namespace, name: "missing")
            } throws: { error in
                let error = error as? KubeAPIError
                return error?.code == 404 && error?.reason == .notFound && error?.details?.name == "missing"
                    && error?.details?.kind == "configmaps"
            }
        }
    }

    @Test func serviceAccountTokenIsAuthorizedByRBACAndForbiddenOtherwise() async throws {
        let cluster = try #require(SharedCluster.current)
        let namespace = try await cluster.withClient { try await Self.namespace($0, "sa") }
        try await cluster.kubectlOK("create", "serviceaccount", "reader", "-n", namespace)
        try await cluster.kubectlOK(
            "create", "role", "read-configmaps", "-n", namespace, "--verb=get,list,watch", "--resource=configmaps")
        try await cluster.kubectlOK(
            "create", "rolebinding", "reader", "-n", namespace, "--role=read-configmaps",
            "--serviceaccount=\(namespace):reader")
        let token = try await cluster.kubectlOK("create", "token", "reader", "-n", namespace)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await cluster.withClient(cluster.clientConfiguration(authentication: .bearerToken(token))) { client in
            let page = try await client.list(Self.configMaps, namespace: namespace)
            #expect(page.items.contains { $0[path: "metadata", "name"] == "kube-root-ca.crt" } || page.items.isEmpty)
            await #expect {
                _ = try await client.list(Self.secrets, namespace: namespace)
            } throws: { error in
                let error = error as? KubeAPIError
                return error?.code == 403 && error?.reason == .forbidden && error?.details?.kind == "secrets"
                    && error?.message.contains("system:serviceaccount:\(namespace):reader") == true
            }
            await #expect {
                _ = try await client.create(
                    Self.configMaps, namespace: namespace, object: Self.configMap("x", namespace: namespace))
            } throws: { ($0 as? KubeAPIError)?.reason == .forbidden }
        }
        try await cluster.withClient(cluster.clientConfiguration(authentication: .bearerToken("not-a-token"))) {
            client in
            await #expect {
                _ = try await client.list(Self.configMaps, namespace: namespace)
            } throws: { ($0 as? KubeAPIError)?.code == 401 && ($0 as? KubeAPIError)?.reason == .unauthorized }
        }
    }

    @Test func clientCertificateAuthenticates() async throws {
        let cluster = try #require(SharedCluster.current)
        let configuration = cluster.clientConfiguration(
            authentication: ClientConfiguration.Authentication.none, clientCertificate: try cluster.adminCertificate())
        try await cluster.withClient(configuration) { client in
            let namespace = try await Self.namespace(client, "cert")
            let created = try await client.create(
                Self.configMaps, namespace: namespace, object: Self.configMap("by-cert", namespace: namespace))
            #expect(created[path: "metadata", "name"] == "by-cert")
        }
        // The same from a kubeconfig with client-certificate-data, as kubectl would use it.
        var loaded = try ClientConfiguration.load(kubeconfig: cluster.certificateKubeconfig, environment: [:])
        loaded.qps = 100
        try await cluster.withClient(loaded) { client in
            let mapping = try await client.resolveResource("cm")
            #expect(mapping.resource == Self.configMaps)
        }
    }

    /// 200 watches and 300 concurrent requests share HTTP/2 connections (kube-apiserver allows 1,000 streams
    /// per connection): the established TCP connections to the API server grow by at most two.
    @Test func manyWatchesAndRequestsShareOneHTTP2Connection() async throws {
        let cluster = try #require(SharedCluster.current)
        let port = try #require(Int(cluster.server.split(separator: ":").last ?? ""))
        try await cluster.withClient { client in
            let namespace = try await Self.namespace(client, "h2")
            let before = try LoopbackConnections.established(toPort: port)
            let version = try await client.list(Self.configMaps, namespace: namespace).resourceVersion
            let watches = try await withThrowingTaskGroup(of: WatchStream.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        try await client.watch(
                            Self.configMaps, namespace: namespace,
                            options: WatchOptions(resourceVersion: version, timeoutSeconds: 30))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        _ = try await client.create(
                            Self.configMaps, namespace: namespace,
                            object: Self.configMap("c\(index)", namespace: namespace))
                    }
                }
                try await group.waitForAll()
            }
            let during = try LoopbackConnections.established(toPort: port)
            #expect(during.subtracting(before).count <= 2, "new connections: \(during.subtracting(before).count)")
            #expect(watches.count == 200)
        }
    }
}

/// Established TCP connections on the loopback interface, from /proc/net/tcp (this network namespace).
enum LoopbackConnections {
    /// The local ports of established connections to 127.0.0.1:`port`.
    static func established(toPort port: Int) throws -> Set<Int> {
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        var ports: Set<Int> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3, fields[3] == "01" else { continue }
            let remote = fields[2].split(separator: ":")
            let local = fields[1].split(separator: ":")
            guard remote.count == 2, local.count == 2, remote[0] == "0100007F", Int(remote[1], radix: 16) == port,
                let localPort = Int(local[1], radix: 16)
            else { continue }
            ports.insert(localPort)
        }
        return ports
    }
}
