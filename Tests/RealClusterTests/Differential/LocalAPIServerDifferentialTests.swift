import Foundation
import JSONValue
import KubeClient
import RealClusterSupport
import Testing

/// The local API server against a real kube-apiserver: the same request sequences, sent as raw requests
/// through Vigil's libcurl transport, must get the same status codes, `Status` reasons, details and
/// messages, and the same response shapes once uids, timestamps and resourceVersion values are
/// normalised (``Normaliser``). Each test is one sequence in its own namespace on both servers.
///
/// ConfigMaps and PodTemplates bypass the real server's watch cache (`--watch-cache-sizes`), so their lists
/// and watches read etcd and show Kubernetes' resourceVersion semantics exactly (and see compactions);
/// Secrets stay cached, for bookmarks and the cache's own answers. Deliberate divergences are listed in the
/// README's local API server section.
@Suite(
    "Local API server differential against a real kube-apiserver", .serialized,
    .enabled(if: RealCluster.isAvailable, "needs KUBEBUILDER_ASSETS (the envtest convention)"),
    .sharedCluster(apiServerArguments: ["--watch-cache-sizes=configmaps#0,podtemplates#0"]))
struct LocalAPIServerDifferentialTests {
    static func configMap(_ name: String, labels: [String: String] = [:], data: [String: String] = ["k": "v"])
        -> JSONValue
    {
        var metadata: JSONObject = ["name": .string(name)]
        if !labels.isEmpty {
            var object = JSONObject()
            for (key, value) in labels.sorted(by: { $0.key < $1.key }) { object[key] = .string(value) }
            metadata["labels"] = .object(object)
        }
        var dataObject = JSONObject()
        for (key, value) in data.sorted(by: { $0.key < $1.key }) { dataObject[key] = .string(value) }
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": .object(metadata), "data": .object(dataObject)]
    }

    static func namespace(_ session: DiffSession, _ name: String) async throws {
        try await session.send(
            "POST", "/api/v1/namespaces",
            json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
    }

    static func cms(_ namespace: String) -> String { "/api/v1/namespaces/\(namespace)/configmaps" }

    // MARK: Create, get, list, delete

    @Test func createGetListDelete() async throws {
        try await Differential.compare("create-get-list-delete") { s in
            let ns = "diff-crud"
            try await Self.namespace(s, ns)
            try await s.send("POST", Self.cms(ns), json: Self.configMap("a", labels: ["app": "x"]))
            try await s.send("GET", Self.cms(ns) + "/a")
            try await s.send("GET", Self.cms(ns))
            try await s.send("GET", "/api/v1/configmaps?fieldSelector=metadata.namespace%3D\(ns)")
            try await s.send("GET", Self.cms(ns) + "/missing")
            try await s.send("POST", Self.cms(ns), json: Self.configMap("a"))
            try await s.send("POST", Self.cms("diff-no-such-namespace"), json: Self.configMap("a"))
            try await s.send("POST", Self.cms(ns) + "?dryRun=All", json: Self.configMap("dry"))
            try await s.send("GET", Self.cms(ns) + "/dry")
            try await s.send("DELETE", Self.cms(ns) + "/a")
            try await s.send("DELETE", Self.cms(ns) + "/a")
            try await s.send("GET", Self.cms(ns) + "/a")
            try await s.send("GET", Self.cms(ns))
        }
    }

    @Test func updatesAndConflicts() async throws {
        try await Differential.compare("update-conflict") { s in
            let ns = "diff-update"
            try await Self.namespace(s, ns)
            let created = try await s.send("POST", Self.cms(ns), json: Self.configMap("a"))
            var stale = Self.configMap("a", data: ["k": "v2"])
            stale["metadata"]?["resourceVersion"] = .string(created.resourceVersion)
            try await s.send("PUT", Self.cms(ns) + "/a", json: stale)
            // The same resourceVersion again is stale now.
            stale["data"] = ["k": "v3"]
            try await s.send("PUT", Self.cms(ns) + "/a", json: stale)
            let current = try await s.send("GET", Self.cms(ns) + "/a")
            var fresh = current.json
            fresh["data"] = ["k": "v4"]
            try await s.send("PUT", Self.cms(ns) + "/a", json: fresh)
            // Without a resourceVersion a ConfigMap update is unconditional.
            try await s.send("PUT", Self.cms(ns) + "/a", json: Self.configMap("a", data: ["k": "v5"]))
            // An update that changes nothing keeps the resourceVersion.
            let before = try await s.send("GET", Self.cms(ns) + "/a")
            let same = try await s.send("PUT", Self.cms(ns) + "/a", json: before.json)
            #expect(same.resourceVersion == before.resourceVersion, "\(s.server.name): a no-op update kept its version")
            try await s.send("PUT", Self.cms(ns) + "/missing", json: Self.configMap("missing"))
            try await s.send("PUT", Self.cms(ns) + "/a", json: Self.configMap("b"))
            try await s.send("PUT", Self.cms(ns), json: Self.configMap("a"))
            try await s.send("POST", Self.cms(ns) + "/a", json: Self.configMap("a"))
        }
    }

    @Test func generateName() async throws {
        try await Differential.compare("generate-name") { s in
            let ns = "diff-generate"
            try await Self.namespace(s, ns)
            let generated = try await s.send(
                "POST", Self.cms(ns),
                json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "gen-"]])
            try await s.send("GET", Self.cms(ns) + "/" + generated.name, label: "GET the generated object")
            // A name wins over generateName.
            try await s.send(
                "POST", Self.cms(ns),
                json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "named", "generateName": "gen-"]])
            // An invalid prefix: both the prefix and the generated name are reported (the generated suffix is
            // random, so the messages naming it are left out).
            try await s.send(
                "POST", Self.cms(ns),
                json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["generateName": "Bad_"]],
                compare: .ignoring("message", "details.name", "details.causes.message"))
        }
    }

    @Test func nameValidation() async throws {
        try await Differential.compare("name-validation") { s in
            let ns = "diff-names"
            try await Self.namespace(s, ns)
            try await s.send("POST", Self.cms(ns), json: Self.configMap("Bad_Name"))
            try await s.send("POST", Self.cms(ns), json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": [:]])
            try await s.send("POST", Self.cms(ns), json: ["apiVersion": "v1", "kind": "ConfigMap"])
            try await s.send("POST", Self.cms(ns), json: Self.configMap(String(repeating: "a", count: 254)))
            try await s.send("POST", Self.cms(ns), json: Self.configMap("a..b"))
            try await s.send("POST", Self.cms(ns), json: Self.configMap("dots.are.fine"))
            // Namespaces are DNS labels: no dots, at most 63 characters.
            try await s.send(
                "POST", "/api/v1/namespaces",
                json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "a.b"]])
            try await s.send(
                "POST", "/api/v1/namespaces",
                json: [
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": ["name": .string(String(repeating: "n", count: 64))],
                ])
            // RBAC names are path segments: colons are fine, slashes are not.
            let role: @Sendable (String) -> JSONValue = { name in
                [
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": ["name": .string(name)],
                ]
            }
            try await s.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", json: role("diff:Role_1"))
            try await s.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", json: role("diff/role"))
            try await s.send("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/diff:Role_1")
        }
    }

    @Test func invalidBodies() async throws {
        try await Differential.compare("invalid-bodies") { s in
            let ns = "diff-bodies"
            try await Self.namespace(s, ns)
            // Go's JSON decoder words its errors its own way: the reason and the message's start are compared.
            try await s.send("POST", Self.cms(ns), body: #"{"apiVersion":"v1","#, compare: .ignoring("message"))
            try await s.send("POST", Self.cms(ns), body: "", compare: .ignoring("message"))
            try await s.send(
                "POST", Self.cms(ns),
                json: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x", "namespace": "other"]])
            try await s.send(
                "POST", Self.cms(ns), json: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "x"]],
                compare: .ignoring("message"))
            try await s.send("POST", Self.cms(ns), json: ["metadata": ["name": "no-type-meta"]])
            try await s.send("GET", Self.cms(ns) + "/no-type-meta")
            try await s.send(
                "POST", Self.cms(ns), body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#,
                contentType: "text/plain")
        }
    }

    @Test func unknownAndMisplacedPaths() async throws {
        try await Differential.compare("paths") { s in
            let ns = "diff-paths"
            try await Self.namespace(s, ns)
            try await s.send("GET", "/api/v1/namespaces/\(ns)/nothings")
            try await s.send("GET", "/api/v1/namespaces/\(ns)/nothings/x")
            try await s.send("GET", "/api/v2/pods")
            try await s.send("GET", "/apis/example.com/v1/widgets")
            // A cluster-scoped resource under a namespace, a namespaced object without one.
            try await s.send("GET", "/api/v1/namespaces/\(ns)/namespaces")
            try await s.send("GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/\(ns)/clusterroles")
            try await s.send("GET", "/api/v1/configmaps/x")
            try await s.send("POST", "/api/v1/configmaps", json: Self.configMap("x"))
            try await s.send("GET", Self.cms(ns) + "/x/status")
            try await s.send("GET", "/api/v1/namespaces/\(ns)")
            try await s.send("GET", "/api/v1/namespaces/diff-missing")
        }
    }

    // MARK: Selectors and paging

    @Test func labelSelectors() async throws {
        try await Differential.compare("label-selectors") { s in
            let ns = "diff-labels"
            try await Self.namespace(s, ns)
            let labels: [(String, [String: String])] = [
                ("a", ["app": "web", "tier": "front"]), ("b", ["app": "web", "tier": "back"]),
                ("c", ["app": "db", "tier": "back"]), ("d", ["app": "cache"]), ("e", [:]),
            ]
            for (name, labels) in labels {
                try await s.send("POST", Self.cms(ns), json: Self.configMap(name, labels: labels))
            }
            for selector in [
                "app=web", "app==web", "app!=web", "app in (web,db)", "app notin (web,db)", "tier", "!tier",
                "app=web,tier=back", "app,!tier", "app in (web),tier notin (front)", "app=", "tier!=",
                "app in (web", "app web", "Bad Key", "app=(", "!",
            ] {
                let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
                try await s.send(
                    "GET", Self.cms(ns) + "?labelSelector=\(encoded)",
                    compare: .only("items.metadata.name", "code", "reason", "message"))
            }
        }
    }

    @Test func fieldSelectors() async throws {
        try await Differential.compare("field-selectors") { s in
            let ns = "diff-fields"
            let other = "diff-fields-other"
            try await Self.namespace(s, ns)
            try await Self.namespace(s, other)
            // Across namespaces the real cluster holds other suites' objects too: a label keeps to these.
            for name in ["a", "b"] {
                try await s.send("POST", Self.cms(ns), json: Self.configMap(name, labels: ["suite": "fields"]))
            }
            try await s.send("POST", Self.cms(other), json: Self.configMap("a", labels: ["suite": "fields"]))
            let selected = Comparison.only(
                "items.metadata.namespace", "items.metadata.name", "code", "reason", "message")
            for selector in [
                "metadata.name=a", "metadata.name==a", "metadata.name!=a", "metadata.namespace=\(ns)",
                "metadata.name=a,metadata.namespace=\(other)", "metadata.namespace!=\(ns)", "spec.nodeName=x",
                "data.k=v", "metadata.name", "metadata.uid=x",
            ] {
                let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
                try await s.send(
                    "GET", "/api/v1/configmaps?labelSelector=suite%3Dfields&fieldSelector=\(encoded)", compare: selected
                )
                try await s.send("GET", Self.cms(ns) + "?fieldSelector=\(encoded)", compare: selected)
            }
            // Cluster-scoped: namespaces by name; Pods have their own selectable fields.
            try await s.send(
                "GET", "/api/v1/namespaces?fieldSelector=metadata.name%3D\(ns)",
                compare: .only("items.metadata.name", "code"))
            try await s.send(
                "GET", "/api/v1/namespaces/\(ns)/pods?fieldSelector=spec.nodeName%3Dnode-1",
                compare: .only("items", "code", "reason"))
            try await s.send(
                "GET", "/api/v1/namespaces/\(ns)/pods?fieldSelector=spec.noSuchField%3Dx",
                compare: .only("code", "reason"))
        }
    }

    @Test func pagingAndContinueTokens() async throws {
        try await Differential.compare("paging") { s in
            let ns = "diff-paging"
            try await Self.namespace(s, ns)
            for index in 0..<7 {
                try await s.send(
                    "POST", Self.cms(ns), json: Self.configMap("cm-\(index)", labels: ["even": "\(index % 2 == 0)"]))
            }
            let first = try await s.send("GET", Self.cms(ns) + "?limit=3")
            let second = try await s.send("GET", Self.cms(ns) + "?limit=3&continue=\(first.continueToken)")
            // A token can be used again: the same page.
            try await s.send("GET", Self.cms(ns) + "?limit=3&continue=\(first.continueToken)")
            // Later writes do not show up in the snapshot the pages come from.
            try await s.send("POST", Self.cms(ns), json: Self.configMap("cm-0a"))
            try await s.send("DELETE", Self.cms(ns) + "/cm-6")
            try await s.send("GET", Self.cms(ns) + "?limit=3&continue=\(second.continueToken)")
            // Without a limit, a continue token still pages (the limit is the server's choice).
            try await s.send("GET", Self.cms(ns) + "?continue=\(first.continueToken)")
            try await s.send("GET", Self.cms(ns) + "?limit=3&continue=\(first.continueToken)&resourceVersion=1")
            try await s.send("GET", Self.cms(ns) + "?limit=3&continue=not-a-token", compare: .ignoring("message"))
            try await s.send(
                "GET", Self.cms(ns) + "?limit=3&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjIifQ", compare: .ignoring("message"))
            try await s.send("GET", Self.cms(ns) + "?limit=abc")
            try await s.send("GET", Self.cms(ns) + "?limit=0", compare: .only("items.metadata.name", "metadata"))
            try await s.send("GET", Self.cms(ns) + "?limit=-1", compare: .only("items.metadata.name", "metadata"))
            // With a selector the remaining count is unknown.
            try await s.send("GET", Self.cms(ns) + "?limit=2&labelSelector=even%3Dtrue")
            try await s.send("GET", Self.cms(ns) + "?limit=100")
            // After a compaction the snapshot is gone: 410 with a token for an inconsistent continuation.
            let old = try await s.send("GET", Self.cms(ns) + "?limit=2")
            try await s.send("POST", Self.cms(ns), json: Self.configMap("cm-7"))
            try await s.compact()
            let expired = try await s.send("GET", Self.cms(ns) + "?limit=2&continue=\(old.continueToken)")
            try await s.send("GET", Self.cms(ns) + "?limit=10&continue=\(expired.continueToken)")
        }
    }

    @Test func listResourceVersionSemantics() async throws {
        try await Differential.compare("list-resource-version") { s in
            let ns = "diff-listrv"
            try await Self.namespace(s, ns)
            let created = try await s.send("POST", Self.cms(ns), json: Self.configMap("a"))
            try await s.send("POST", Self.cms(ns), json: Self.configMap("b"))
            try await s.send("GET", Self.cms(ns) + "?resourceVersion=0")
            try await s.send("GET", Self.cms(ns) + "?resourceVersion=\(created.resourceVersion)")
            try await s.send(
                "GET", Self.cms(ns) + "?resourceVersion=\(created.resourceVersion)&resourceVersionMatch=NotOlderThan")
            // Exact: the list as it was at that version.
            try await s.send(
                "GET", Self.cms(ns) + "?resourceVersion=\(created.resourceVersion)&resourceVersionMatch=Exact")
            try await s.send("GET", Self.cms(ns) + "?resourceVersion=\(created.resourceVersion)&limit=5")
            try await s.send("GET", Self.cms(ns) + "?resourceVersionMatch=Exact")
            try await s.send("GET", Self.cms(ns) + "?resourceVersion=0&resourceVersionMatch=Exact")
            try await s.send("GET", Self.cms(ns) + "?resourceVersion=1&resourceVersionMatch=Sometime")
            try await s.send("GET", Self.cms(ns) + "?resourceVersion=abc", compare: .ignoring("message"))
            try await s.send("GET", Self.cms(ns) + "?sendInitialEvents=true")
            try await s.send("GET", Self.cms(ns) + "/a?resourceVersion=0")
        }
    }

    // MARK: Patches

    @Test func patchTypes() async throws {
        try await Differential.compare("patch") { s in
            let ns = "diff-patch"
            try await Self.namespace(s, ns)
            let path = Self.cms(ns) + "/a"
            try await s.send(
                "POST", Self.cms(ns), json: Self.configMap("a", labels: ["app": "x"], data: ["k": "v", "z": "1"]))
            try await s.send(
                "PATCH", path, body: #"{"data":{"m":"1","z":null},"metadata":{"labels":{"app":null,"new":"y"}}}"#,
                contentType: "application/merge-patch+json")
            try await s.send(
                "PATCH", path, body: #"{"data":{"s":"1"}}"#, contentType: "application/strategic-merge-patch+json")
            try await s.send(
                "PATCH", path,
                body: #"[{"op":"add","path":"/data/j","value":"2"},{"op":"replace","path":"/data/k","value":"w"}]"#,
                contentType: "application/json-patch+json")
            try await s.send(
                "PATCH", path, body: #"[{"op":"test","path":"/data/j","value":"3"}]"#,
                contentType: "application/json-patch+json")
            try await s.send(
                "PATCH", path, body: #"[{"op":"remove","path":"/data/nothing"}]"#,
                contentType: "application/json-patch+json")
            try await s.send(
                "PATCH", path, body: #"{"op":"add"}"#, contentType: "application/json-patch+json",
                compare: .ignoring("message"))
            try await s.send("PATCH", path, body: #"{"data":{"m":"2"}}"#, contentType: "text/plain")
            try await s.send("PATCH", path, body: #"{"data":{"m":"2"}}"#, contentType: "application/json")
            try await s.send(
                "PATCH", path, body: #"{"data":"#, contentType: "application/merge-patch+json",
                compare: .ignoring("message"))
            try await s.send(
                "PATCH", Self.cms(ns) + "/missing", body: #"{"data":{"m":"2"}}"#,
                contentType: "application/merge-patch+json")
            try await s.send(
                "PATCH", path + "?force=true", body: #"{"data":{"m":"2"}}"#, contentType: "application/merge-patch+json"
            )
            // A stale resourceVersion in a patch is a conflict.
            try await s.send(
                "PATCH", path, body: #"{"metadata":{"resourceVersion":"1"},"data":{"m":"3"}}"#,
                contentType: "application/merge-patch+json")
            // A patch that changes nothing keeps the object as it is.
            let before = try await s.send("GET", path)
            let same = try await s.send(
                "PATCH", path, body: #"{"data":{"k":"w"}}"#, contentType: "application/merge-patch+json")
            #expect(same.resourceVersion == before.resourceVersion, "\(s.server.name): a no-op patch kept its version")
        }
    }

    @Test func serverSideApply() async throws {
        try await Differential.compare("server-side-apply") { s in
            let ns = "diff-apply"
            try await Self.namespace(s, ns)
            let path = Self.cms(ns) + "/applied"
            let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"x":"1"}}"#
            try await s.send("PATCH", path, body: body, contentType: "application/apply-patch+yaml")
            try await s.send(
                "PATCH", path + "?fieldManager=diff", body: body, contentType: "application/apply-patch+yaml")
            try await s.send(
                "PATCH", path + "?fieldManager=diff",
                body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  x: \"2\"\n  y: \"3\"\n",
                contentType: "application/apply-patch+yaml")
            try await s.send(
                "PATCH", path + "?fieldManager=diff", body: #"{"kind":"ConfigMap","metadata":{"name":"applied"}}"#,
                contentType: "application/apply-patch+yaml", compare: .ignoring("message"))
            try await s.send(
                "PATCH", path + "?fieldManager=diff",
                body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}"#,
                contentType: "application/apply-patch+yaml", compare: .ignoring("message"))
            try await s.send(
                "PATCH", path + "?fieldManager=diff&force=true", body: body,
                contentType: "application/apply-patch+yaml",
                compare: .ignoring("data"))
        }
    }

    @Test func strategicMergeOnACoreKind() async throws {
        let template: JSONValue = [
            "apiVersion": "v1", "kind": "PodTemplate", "metadata": ["name": "t"],
            "template": [
                "metadata": ["labels": ["app": "t"]],
                "spec": [
                    "containers": [
                        ["name": "app", "image": "busybox:1.36", "env": [["name": "A", "value": "1"]]],
                        ["name": "side", "image": "busybox:1.36"],
                    ]
                ],
            ],
        ]
        // The real server fills in defaults (imagePullPolicy, dnsPolicy, ...); the local one has no
        // defaulting, so the merged containers are compared.
        let containers = Comparison.only(
            "template.spec.containers.name", "template.spec.containers.image", "template.spec.containers.env", "code",
            "reason")
        try await Differential.compare("strategic-merge") { s in
            let ns = "diff-strategic"
            try await Self.namespace(s, ns)
            let path = "/api/v1/namespaces/\(ns)/podtemplates/t"
            try await s.send("POST", "/api/v1/namespaces/\(ns)/podtemplates", json: template, compare: containers)
            try await s.send(
                "PATCH", path,
                body:
                    #"{"template":{"spec":{"containers":[{"name":"app","image":"busybox:1.37","env":[{"name":"B","value":"2"}]}]}}}"#,
                contentType: "application/strategic-merge-patch+json", compare: containers)
            try await s.send(
                "PATCH", path, body: #"{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}"#,
                contentType: "application/strategic-merge-patch+json", compare: containers)
            try await s.send(
                "PATCH", path, body: #"{"template":{"spec":{"containers":[{"name":"new","image":"nginx:1.27"}]}}}"#,
                contentType: "application/merge-patch+json", compare: containers)
        }
    }

    // MARK: Delete

    @Test func deleteVariants() async throws {
        try await Differential.compare("delete") { s in
            let ns = "diff-delete"
            try await Self.namespace(s, ns)
            for name in ["a", "b", "c", "d"] {
                try await s.send(
                    "POST", Self.cms(ns), json: Self.configMap(name, labels: ["group": name < "c" ? "one" : "two"]))
            }
            try await s.send(
                "DELETE", Self.cms(ns) + "/a",
                json: [
                    "apiVersion": "v1", "kind": "DeleteOptions",
                    "preconditions": ["uid": "00000000-0000-0000-0000-000000000000"],
                ],
                compare: .ignoring("message"))
            try await s.send(
                "DELETE", Self.cms(ns) + "/a",
                json: ["apiVersion": "v1", "kind": "DeleteOptions", "preconditions": ["resourceVersion": "1"]],
                compare: .ignoring("message"))
            try await s.send("DELETE", Self.cms(ns) + "/a?dryRun=All")
            try await s.send("GET", Self.cms(ns) + "/a")
            try await s.send("DELETE", Self.cms(ns) + "/a?propagationPolicy=Sometimes")
            try await s.send("DELETE", Self.cms(ns) + "/a", body: "{", compare: .ignoring("message"))
            try await s.send("DELETE", Self.cms(ns) + "/a?propagationPolicy=Foreground")
            try await s.send("DELETE", Self.cms(ns) + "?labelSelector=group%3Dtwo")
            // (The Foreground-deleted object stays on the real server until its garbage collector runs; the
            // local server removed it at once. The remaining objects are compared.)
            try await s.send("GET", Self.cms(ns) + "?labelSelector=group%3Dtwo")
            try await s.send("GET", Self.cms(ns) + "/b")
            // A Pod's DELETE answers with the Pod marked for deletion (unscheduled: grace 0, gone at once).
            let pod: JSONValue = [
                "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"],
                "spec": ["containers": [["name": "c", "image": "busybox:1.36"]]],
            ]
            let marked = Comparison.only(
                "kind", "metadata.name", "metadata.deletionTimestamp", "metadata.deletionGracePeriodSeconds",
                "metadata.generation", "code", "reason")
            try await s.send("POST", "/api/v1/namespaces/\(ns)/pods", json: pod, compare: marked)
            try await s.send("DELETE", "/api/v1/namespaces/\(ns)/pods/p", compare: marked)
            try await s.send("GET", "/api/v1/namespaces/\(ns)/pods/p", compare: marked)
        }
    }

    // MARK: Watch

    @Test func watchResourceVersionSemantics() async throws {
        let sessions = try await Differential.compare("watch") { s in
            let ns = "diff-watch"
            try await Self.namespace(s, ns)
            try await s.send("POST", Self.cms(ns), json: Self.configMap("a", labels: ["app": "x"]))
            let start = try await s.send("GET", Self.cms(ns))
            try await s.send("POST", Self.cms(ns), json: Self.configMap("b", labels: ["app": "x"]))
            try await s.send(
                "PATCH", Self.cms(ns) + "/a", body: #"{"data":{"k":"w"}}"#, contentType: "application/merge-patch+json")
            try await s.send(
                "PATCH", Self.cms(ns) + "/b", body: #"{"metadata":{"labels":{"app":"y"}}}"#,
                contentType: "application/merge-patch+json")
            try await s.send("DELETE", Self.cms(ns) + "/a")
            let after = Self.cms(ns) + "?watch=1&timeoutSeconds=2"
            // From a resourceVersion: exactly the changes after it.
            try await s.watch(after + "&resourceVersion=\(start.resourceVersion)")
            // With a label selector, objects entering or leaving it arrive as ADDED / DELETED.
            try await s.watch(after + "&resourceVersion=\(start.resourceVersion)&labelSelector=app%3Dx")
            try await s.watch(after + "&resourceVersion=\(start.resourceVersion)&fieldSelector=metadata.name%3Db")
            // Unset or "0": the current state as ADDED, then changes.
            try await s.watch(after)
            try await s.watch(after + "&resourceVersion=0") {
                try await s.send("POST", Self.cms(ns), json: Self.configMap("c"))
            }
            try await s.watch("/api/v1/watch/namespaces/\(ns)/configmaps?timeoutSeconds=1")
            try await s.watch("/api/v1/watch/namespaces/\(ns)/configmaps/c?timeoutSeconds=1")
            try await s.send("GET", after + "&resourceVersion=abc", compare: .ignoring("message"))
            // A resourceVersion compacted away: 410 Expired as an ERROR event.
            let old = try await s.send("GET", Self.cms(ns))
            for name in ["d", "e"] { try await s.send("POST", Self.cms(ns), json: Self.configMap(name)) }
            try await s.compact()
            // The wording depends on where the watch is served from: "too old resource version" from the
            // watch cache (the local server's model), "The resourceVersion for the provided watch is too old."
            // from etcd (this uncached resource on the real server). Code and reason are compared.
            try await s.watch(
                after + "&resourceVersion=\(old.resourceVersion)", compare: .ignoring("object.message"))
        }
        // The watch without a resourceVersion starts from the current state on both (etcd-backed).
        let local = sessions.local.transcript.filter { $0.label.hasSuffix("?watch=1&timeoutSeconds=2") }
        #expect(local.first?.body["events"]?.arrayValue?.count == 1)
    }

    @Test func watchCacheBookmarks() async throws {
        let secret: @Sendable (String) -> JSONValue = { name in
            ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string(name)], "stringData": ["k": "v"]]
        }
        let sessions = try await Differential.compare("watch-cache") { s in
            let ns = "diff-bookmarks"
            try await Self.namespace(s, ns)
            let secrets = "/api/v1/namespaces/\(ns)/secrets"
            try await s.send("POST", secrets, json: secret("a"))
            let start = try await s.send("GET", secrets)
            let watched = try await s.watch(
                secrets + "?watch=1&timeoutSeconds=5&allowWatchBookmarks=true&resourceVersion=\(start.resourceVersion)"
            ) {
                try await Task.sleep(for: .milliseconds(300))
                try await s.send("POST", secrets, json: secret("b"))
            }
            let bookmarks = watched.events.filter { $0["type"]?.stringValue == "BOOKMARK" }
            // Bookmarks carry only kind, apiVersion and metadata.resourceVersion.
            for bookmark in bookmarks {
                let object = try #require(bookmark["object"])
                #expect(object["kind"] == "Secret" && object["apiVersion"] == "v1", "\(s.server.name): \(bookmark)")
                #expect(
                    object["metadata"]?.objectValue?.keys.elementsEqual(["resourceVersion"]) == true,
                    "\(s.server.name): \(bookmark)")
            }
            if !s.isReal {
                #expect(!bookmarks.isEmpty, "the local server sends a bookmark before the watch's deadline")
            }
            // From "0" with bookmarks: the real (etcd 3.4) server answers 500 in the stream, see etcd34Artefact.
            try await s.watch(secrets + "?watch=1&timeoutSeconds=2&allowWatchBookmarks=true&resourceVersion=0")
            // Without a resourceVersion: the real (etcd 3.4) server waits for a progress notification.
            try await s.watch(secrets + "?watch=1&timeoutSeconds=2")
        }
        // Where the real server answered with an etcd 3.4 artefact, the local one follows Kubernetes' contract:
        // the current state as ADDED events.
        for observation in sessions.local.transcript where observation.label.contains("timeoutSeconds=2") {
            let events = observation.body["events"]?.arrayValue ?? []
            #expect(events.map { $0["type"] } == ["ADDED", "ADDED"], "\(observation.label): \(events)")
        }
    }

    // MARK: Custom resources

    @Test func customResources() async throws {
        let crd: JSONValue = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "gadgets.diff.example.com"],
            "spec": [
                "group": "diff.example.com", "scope": "Namespaced",
                "names": ["plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"],
                "versions": [
                    [
                        "name": "v1", "served": true, "storage": true, "subresources": ["status": [:]],
                        "schema": [
                            "openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
                        ],
                    ]
                ],
            ],
        ]
        try await Differential.compare("custom-resources") { s in
            let ns = "diff-custom"
            try await Self.namespace(s, ns)
            try await s.send(
                "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd,
                compare: .only("kind", "metadata.name", "spec.names", "code"))
            // Wait until served (the real server establishes the CRD asynchronously).
            let gadgets = "/apis/diff.example.com/v1/namespaces/\(ns)/gadgets"
            for _ in 0..<100 {
                let response = try await s.server.transport.execute(
                    KubeRequest(method: "GET", path: gadgets), credentials: s.server.credentials)
                if response.status == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let gadget: JSONValue = [
                "apiVersion": "diff.example.com/v1", "kind": "Gadget", "metadata": ["name": "g"], "spec": ["size": 1],
                "status": ["ready": true],
            ]
            try await s.send("POST", gadgets, json: gadget)
            try await s.send("GET", gadgets)
            try await s.send("GET", gadgets + "/g")
            try await s.send("POST", gadgets, json: gadget)
            try await s.send("PUT", gadgets + "/g", json: gadget)
            try await s.send(
                "PATCH", gadgets + "/g", body: #"{"spec":{"size":2}}"#,
                contentType: "application/strategic-merge-patch+json")
            try await s.send(
                "PATCH", gadgets + "/g", body: #"{"spec":{"size":2}}"#, contentType: "application/merge-patch+json")
            try await s.send(
                "PATCH", gadgets + "/g/status", body: #"{"status":{"ready":true}}"#,
                contentType: "application/merge-patch+json")
            try await s.send("GET", gadgets + "/g/scale")
            try await s.send("DELETE", gadgets + "/g")
            try await s.send("GET", gadgets + "/g")
            try await s.send(
                "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.diff.example.com",
                compare: .only("kind", "metadata.name", "code", "status"))
        }
    }

    // MARK: Cluster-scoped

    @Test func clusterScopedResources() async throws {
        try await Differential.compare("cluster-scoped") { s in
            let role: JSONValue = [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": ["name": "diff-reader", "namespace": "ignored", "labels": ["diff": "yes"]],
                "rules": [["apiGroups": [""], "resources": ["pods"], "verbs": ["get"]]],
            ]
            let roles = "/apis/rbac.authorization.k8s.io/v1/clusterroles"
            try await s.send("POST", roles, json: role)
            try await s.send("GET", roles + "/diff-reader")
            try await s.send("GET", roles + "?labelSelector=diff%3Dyes")
            try await s.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/clusterroles", json: role)
            try await s.send("DELETE", roles + "/diff-reader")
            try await s.send("GET", roles + "/diff-reader")
            try await s.send(
                "POST", "/api/v1/namespaces",
                json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "diff-cluster"]])
            try await s.send("GET", "/api/v1/namespaces/diff-cluster")
            try await s.send(
                "POST", "/api/v1/namespaces",
                json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "diff-cluster"]])
            // A Namespace's DELETE answers with it Terminating (the real one stays so until its content is
            // gone; the local one is removed at once, see README).
            try await s.send("DELETE", "/api/v1/namespaces/diff-cluster")
        }
    }
}
