import JSONValue
import PolicyEngine
import PolicyReports
import Testing

@Suite("Policy reports")
struct PolicyReportTests {
    static let pod = ReportSubject(apiVersion: "v1", kind: "Pod", name: "web", namespace: "team-a", uid: "uid-pod")
    static let namespace = ReportSubject(
        apiVersion: "v1", kind: "Namespace", name: "team-a", namespace: "", uid: "uid-ns")

    static func policy(
        _ name: String, namespace: String? = nil, annotations: [String: String] = [:], background: Bool = true
    ) throws -> Policy {
        var metadata: JSONObject = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        var annotationObject = JSONObject()
        for (key, value) in annotations { annotationObject[key] = .string(value) }
        metadata["annotations"] = .object(annotationObject)
        let document: JSONValue = [
            "apiVersion": "kyverno.io/v1", "kind": namespace == nil ? "ClusterPolicy" : "Policy",
            "metadata": .object(metadata),
            "spec": [
                "background": .bool(background),
                "rules": [
                    [
                        "name": "check", "match": ["any": [["resources": ["kinds": ["Pod"]]]]],
                        "validate": ["message": "m", "pattern": ["metadata": ["name": "?*"]]],
                    ]
                ],
            ],
        ]
        return try PolicyDecoder.decode(document)
    }

    @Test func namespacedReportIsNamedByUIDAndOwnedByTheResource() throws {
        let policy = try Self.policy("require-labels", annotations: ["policies.kyverno.io/category": "Best Practices"])
        let results = ReportResult.entries(
            policy: policy, results: [RuleResult(ruleName: "check", status: .fail, message: "missing label")],
            timestamp: 1_700_000_000)
        let report = PolicyReport(subject: Self.pod, results: results)
        let document = report.document
        #expect(document["apiVersion"] == "wgpolicyk8s.io/v1alpha2")
        #expect(document["kind"] == "PolicyReport")
        #expect(document[path: "metadata", "name"] == "uid-pod")
        #expect(document[path: "metadata", "namespace"] == "team-a")
        #expect(document[path: "metadata", "labels", "app.kubernetes.io/managed-by"] == "vigil")
        #expect(
            document[path: "metadata", "ownerReferences"]
                == [["apiVersion": "v1", "kind": "Pod", "name": "web", "uid": "uid-pod"]])
        #expect(
            document["scope"] == [
                "apiVersion": "v1", "kind": "Pod", "name": "web", "namespace": "team-a", "uid": "uid-pod",
            ])
        let entry = try #require(document["results"]?[0])
        #expect(entry["source"] == "kyverno")
        #expect(entry["policy"] == "require-labels")
        #expect(entry["rule"] == "check")
        #expect(entry["result"] == "fail")
        #expect(entry["message"] == "missing label")
        #expect(entry["scored"] == true)
        #expect(entry["category"] == "Best Practices")
        #expect(entry["severity"] == nil)
        #expect(entry[path: "properties", "process"] == "background scan")
        #expect(entry[path: "timestamp", "seconds"] == 1_700_000_000)
        #expect(document["summary"] == ["error": 0, "fail": 1, "pass": 0, "skip": 0, "warn": 0])
    }

    @Test func clusterScopedResourceGetsAClusterReport() throws {
        let policy = try Self.policy("p")
        let results = ReportResult.entries(
            policy: policy, results: [RuleResult(ruleName: "check", status: .pass, message: "ok")], timestamp: 1)
        for (api, kind) in [(ReportAPI.wgpolicyk8s, "ClusterPolicyReport"), (.openreports, "ClusterReport")] {
            let document = PolicyReport(api: api, subject: Self.namespace, results: results).document
            #expect(document["kind"]?.stringValue == kind)
            #expect(document["apiVersion"]?.stringValue == api.apiVersion)
            #expect(document[path: "metadata", "namespace"] == nil)
            #expect(document[path: "scope", "namespace"] == nil)
        }
        #expect(PolicyReport(api: .openreports, subject: Self.pod, results: results).kind == "Report")
        #expect(PolicyReport(api: .openreports, subject: Self.pod, results: results).resource == "reports")
    }

    @Test func namespacedPolicyNameAndUnscoredFailures() throws {
        let policy = try Self.policy(
            "p", namespace: "team-a",
            annotations: ["policies.kyverno.io/scored": "false", "policies.kyverno.io/severity": "extreme"])
        let results = ReportResult.entries(
            policy: policy, results: [RuleResult(ruleName: "check", status: .fail, message: "bad")], source: "vigil",
            timestamp: 1)
        #expect(results[0].policy == "team-a/p")
        #expect(results[0].result == .warn)
        #expect(results[0].scored == false)
        #expect(results[0].severity == nil)  // unknown severities are dropped
        #expect(results[0].source == "vigil")
        let summary = PolicyReport(subject: Self.pod, results: results).summary
        #expect(summary == [.warn: 1])
    }

    @Test func policyWithoutBackgroundSaysAdmissionReview() throws {
        let policy = try Self.policy("p", background: false)
        let results = ReportResult.entries(
            policy: policy, results: [RuleResult(ruleName: "check", status: .pass, message: "")], timestamp: 1)
        #expect(results[0].properties["process"] == "admission review")
    }

    @Test func reportPropertiesOverrideTheMessage() throws {
        let policy = try Self.policy("p")
        let result = RuleResult(
            ruleName: "check", status: .fail, message: "engine text", properties: ["failMessage": "custom"])
        #expect(ReportResult.entries(policy: policy, results: [result], timestamp: 1)[0].message == "custom")
    }

    @Test func resultsAreSortedWhateverTheInputOrder() {
        let entries = [
            ReportResult(source: "kyverno", policy: "b", rule: "r1", result: .pass, message: ""),
            ReportResult(source: "kyverno", policy: "a", rule: "r2", result: .fail, message: ""),
            ReportResult(source: "kyverno", policy: "a", rule: "r1", result: .pass, message: ""),
        ]
        let forward = PolicyReport(subject: Self.pod, results: entries)
        let backward = PolicyReport(subject: Self.pod, results: entries.reversed())
        #expect(forward.results.map { "\($0.policy)/\($0.rule)" } == ["a/r1", "a/r2", "b/r1"])
        #expect(forward.document == backward.document)
    }

    @Test func contentHashIgnoresTimestampsButNotContent() {
        let early = ReportResult(source: "kyverno", policy: "a", rule: "r", result: .pass, message: "m", timestamp: 1)
        var late = early
        late.timestamp = 99
        var failing = early
        failing.result = .fail
        let base = PolicyReport(subject: Self.pod, results: [early])
        #expect(base.contentHash == PolicyReport(subject: Self.pod, results: [late]).contentHash)
        #expect(base.contentHash != PolicyReport(subject: Self.pod, results: [failing]).contentHash)
        #expect(base.contentHash != PolicyReport(api: .openreports, subject: Self.pod, results: [early]).contentHash)
        var other = Self.pod
        other.name = "renamed"
        #expect(base.contentHash != PolicyReport(subject: other, results: [early]).contentHash)
    }

    @Test func reportReadBackFromTheClusterHasTheSameHash() {
        let entry = ReportResult(
            source: "kyverno", policy: "a", rule: "r", result: .skip, message: "m", category: "c", severity: "high",
            properties: ["process": "background scan", "x": "y"], timestamp: 5)
        let report = PolicyReport(subject: Self.pod, results: [entry])
        var stored = report.document
        // What the server adds, and a later timestamp, change nothing.
        stored["metadata"]?["resourceVersion"] = "42"
        stored["metadata"]?["creationTimestamp"] = "2026-01-01T00:00:00Z"
        stored["metadata"]?["labels"]?["extra"] = "kept"
        stored["results"] = .array(
            (stored["results"]?.arrayValue ?? []).map { result in
                var result = result
                result["timestamp"] = ["seconds": 999, "nanos": 0]
                return result
            })
        #expect(PolicyReport.contentHash(ofDocument: stored) == report.contentHash)
        #expect(PolicyReport(document: stored) == PolicyReport(subject: Self.pod, results: [entry]).withTimestamps(999))

        var unowned = report.document
        unowned["metadata"]?["ownerReferences"] = []
        #expect(PolicyReport.contentHash(ofDocument: unowned) != report.contentHash)
        var unlabelled = report.document
        unlabelled["metadata"]?["labels"] = [:]
        #expect(PolicyReport.contentHash(ofDocument: unlabelled) != report.contentHash)
        #expect(PolicyReport.contentHash(ofDocument: ["kind": "ConfigMap"]) == nil)
    }
}

extension PolicyReport {
    fileprivate func withTimestamps(_ seconds: Int) -> PolicyReport {
        PolicyReport(
            api: api, subject: subject,
            results: results.map { result in
                var result = result
                result.timestamp = seconds
                return result
            })
    }
}
