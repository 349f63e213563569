public import JSONValue
public import PolicyEngine

/// A report about one resource: its subject and sorted results, rendered as a `PolicyReport`,
/// `ClusterPolicyReport`, `Report` or `ClusterReport` document.
public struct PolicyReport: Sendable, Hashable {
    /// The label every report Vigil writes carries.
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    /// The value of ``managedByLabel``.
    public static let managedByValue = "vigil"
    /// The label selector that finds Vigil's reports.
    public static let managedBySelector = managedByLabel + "=" + managedByValue

    public var api: ReportAPI
    public var subject: ReportSubject
    /// Sorted by policy, rule, source, result, message.
    public private(set) var results: [ReportResult]

    public init(api: ReportAPI = .wgpolicyk8s, subject: ReportSubject, results: [ReportResult]) {
        self.api = api
        self.subject = subject
        self.results = results.sorted(by: ReportResult.precedes)
    }

    /// The report name: the resource's UID.
    public var name: String { subject.uid }

    /// The report's namespace; empty for a cluster-scoped report.
    public var namespace: String { subject.namespace }

    /// The report's kind (`PolicyReport`, `ClusterPolicyReport`, `Report`, `ClusterReport`).
    public var kind: String { subject.isNamespaced ? api.namespacedKind : api.clusterKind }

    /// The plural resource name to write the report to.
    public var resource: String { subject.isNamespaced ? api.namespacedResource : api.clusterResource }

    /// Counts per status.
    public var summary: [RuleResult.Status: Int] {
        var counts: [RuleResult.Status: Int] = [:]
        for result in results { counts[result.result, default: 0] += 1 }
        return counts
    }

    /// The document to create or update (without `resourceVersion`).
    public var document: JSONValue { render(includeTimestamps: true) }

    /// A SHA-256 hex digest of what the report says, ignoring result timestamps: two reports with the same
    /// hash need no write.
    public var contentHash: String { render(includeTimestamps: false).contentHash }

    private func render(includeTimestamps: Bool) -> JSONValue {
        var metadata: JSONObject = ["name": .string(name)]
        if subject.isNamespaced { metadata["namespace"] = .string(namespace) }
        metadata["labels"] = [Self.managedByLabel: .string(Self.managedByValue)]
        metadata["ownerReferences"] = [subject.ownerReference]
        let counts = summary
        var summaryObject = JSONObject()
        for status in ["error", "fail", "pass", "skip", "warn"] {
            summaryObject[status] = .int(counts[RuleResult.Status(rawValue: status) ?? .pass, default: 0])
        }
        return [
            "apiVersion": .string(api.apiVersion),
            "kind": .string(kind),
            "metadata": .object(metadata),
            "scope": subject.scope,
            "summary": .object(summaryObject),
            "results": .array(results.map { $0.document(includeTimestamp: includeTimestamps) }),
        ]
    }

    /// Reads a report from the cluster back into a ``PolicyReport``, so its ``contentHash`` can be
    /// compared with a report about to be written. Fields Vigil does not write (other labels,
    /// `resourceVersion`, `managedFields`) are ignored.
    ///
    /// - Returns: `nil` when the document has no usable `scope` or has a result Vigil cannot read (such a
    ///   report is rewritten).
    public init?(document: JSONValue) {
        guard let apiVersion = document["apiVersion"]?.stringValue,
            let api = ReportAPI.allCases.first(where: { $0.apiVersion == apiVersion }),
            let scope = document["scope"], let subject = ReportSubject(reference: scope)
        else { return nil }
        var results: [ReportResult] = []
        for entry in document["results"]?.arrayValue ?? [] {
            guard let result = ReportResult(document: entry) else { return nil }
            results.append(result)
        }
        self.init(api: api, subject: subject, results: results)
    }

    /// The content hash of a report document read from the cluster, comparable with ``contentHash`` of a
    /// report built from results; `nil` when the document is not a report Vigil can read.
    public static func contentHash(ofDocument document: JSONValue) -> String? {
        guard let report = PolicyReport(document: document) else { return nil }
        // The label and the ownerReference are part of what Vigil writes: a report that lost either differs.
        let owners = document[path: "metadata", "ownerReferences"]?.arrayValue ?? []
        guard owners.contains(where: { $0["uid"]?.stringValue == report.subject.uid }),
            document[path: "metadata", "labels", managedByLabel]?.stringValue == managedByValue
        else { return "incomplete:" + report.contentHash }
        return report.contentHash
    }
}
