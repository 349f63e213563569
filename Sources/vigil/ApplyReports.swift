import Foundation
import JSONValue
import PolicyEngine
import PolicyReports

/// `vigil apply -o report`: the PolicyReports the controller would write for the same inputs, one per
/// resource that has results, as YAML documents that `kubectl apply -f -` accepts.
///
/// Reports are named by the resource's UID. Resources read from files usually have none; they get a stable
/// UID derived from their apiVersion, kind, namespace and name, so repeated runs print the same names.
struct ApplyReports {
    private var results: [String: (subject: ReportSubject, entries: [ReportResult])] = [:]
    private var order: [String] = []
    let api: ReportAPI
    let timestamp: Int

    init(api: ReportAPI = .wgpolicyk8s, timestamp: Int = Int(Date().timeIntervalSince1970)) {
        self.api = api
        self.timestamp = timestamp
    }

    /// Adds one policy's results for one resource.
    mutating func add(resource: JSONValue, policy: Policy, results ruleResults: [RuleResult]) {
        guard !ruleResults.isEmpty else { return }
        add(resource: resource, ReportResult.entries(policy: policy, results: ruleResults, timestamp: timestamp))
    }

    /// Adds one ValidatingPolicy's results for one resource.
    mutating func add(resource: JSONValue, validatingPolicy policy: ValidatingPolicy, results ruleResults: [RuleResult])
    {
        guard !ruleResults.isEmpty else { return }
        add(
            resource: resource,
            ReportResult.entries(validatingPolicy: policy, results: ruleResults, timestamp: timestamp))
    }

    /// Adds one ValidatingAdmissionPolicy's results for one resource.
    mutating func add(
        resource: JSONValue, admissionPolicy policy: ValidatingAdmissionPolicy, results ruleResults: [RuleResult]
    ) {
        guard !ruleResults.isEmpty else { return }
        add(
            resource: resource,
            ReportResult.entries(validatingAdmissionPolicy: policy, results: ruleResults, timestamp: timestamp))
    }

    /// Appends `entries` to the report of `resource`, which is created on first use.
    private mutating func add(resource: JSONValue, _ entries: [ReportResult]) {
        let subject = Self.subject(resource)
        if results[subject.uid] == nil {
            results[subject.uid] = (subject, [])
            order.append(subject.uid)
        }
        results[subject.uid]?.entries += entries
    }

    /// The report documents, in the order their resources were first seen.
    var documents: [JSONValue] {
        order.compactMap { uid in
            results[uid].map { PolicyReport(api: api, subject: $0.subject, results: $0.entries).document }
        }
    }

    static func subject(_ resource: JSONValue) -> ReportSubject {
        if let subject = ReportSubject(object: resource) { return subject }
        let apiVersion = resource["apiVersion"]?.stringValue ?? "v1"
        let kind = resource["kind"]?.stringValue ?? ""
        let name = resource[path: "metadata", "name"]?.stringValue ?? ""
        let namespace = resource[path: "metadata", "namespace"]?.stringValue ?? ""
        let hash = Array(JSONValue.string("\(apiVersion)|\(kind)|\(namespace)|\(name)").contentHash.suffix(32))
        let uid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hash[$0]) }.joined(separator: "-")
        return ReportSubject(apiVersion: apiVersion, kind: kind, name: name, namespace: namespace, uid: uid)
    }
}
