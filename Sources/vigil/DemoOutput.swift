import Foundation
import JSONValue
import KubeClient
import PolicyEngine
import PolicyReports

/// What `vigil demo` prints: the reports as `kubectl get policyreport -A` shows them, then every failing
/// or erroring result with its message.
enum DemoOutput {
    static func printReports(client: KubeClient, api: ReportAPI = .wgpolicyk8s) async throws {
        var reports: [PolicyReport] = []
        for resource in [api.namespacedResource, api.clusterResource] {
            let gvr = GroupVersionResource(group: api.group, version: api.version, resource: resource)
            for document in try await client.listAll(gvr).items {
                if let report = PolicyReport(document: document) { reports.append(report) }
            }
        }
        reports.sort {
            ($0.namespace, $0.subject.kind, $0.subject.name) < ($1.namespace, $1.subject.kind, $1.subject.name)
        }
        print("")
        print("$ kubectl get policyreport -A   (and clusterpolicyreport)")
        print(table(reports))
        let failing = reports.flatMap { report in
            report.results.filter { $0.result == .fail || $0.result == .error }.map { (report, $0) }
        }
        print("")
        print("Failing results (\(failing.count)):")
        for (report, result) in failing {
            let subject = report.subject
            let resource =
                (subject.namespace.isEmpty ? "" : subject.namespace + "/") + subject.kind + "/" + subject.name
            // CEL policies (ValidatingPolicy) have no rule names.
            let policy = result.rule.isEmpty ? result.policy : result.policy + "/" + result.rule
            print("  \(resource)  \(policy)  \(result.result.rawValue.uppercased())")
            print("    \(result.message)")
            let properties = result.properties.filter { $0.key != "process" }.sorted { $0.key < $1.key }
            if !properties.isEmpty {
                print("    " + properties.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
        }
        let totals = reports.reduce(into: [RuleResult.Status: Int]()) { totals, report in
            for (status, count) in report.summary { totals[status, default: 0] += count }
        }
        print("")
        print(
            "\(reports.count) reports: "
                + RuleResult.Status.allCases.map { "\($0.rawValue)=\(totals[$0] ?? 0)" }.joined(separator: " "))
    }

    /// Columns as `kubectl get policyreport -A` prints them from the CRD's printer columns.
    static func table(_ reports: [PolicyReport]) -> String {
        var rows = [["NAMESPACE", "NAME", "KIND", "NAME", "PASS", "FAIL", "WARN", "ERROR", "SKIP"]]
        for report in reports {
            let summary = report.summary
            rows.append(
                [
                    report.namespace.isEmpty ? "<cluster>" : report.namespace, report.name, report.subject.kind,
                    report.subject.name,
                ]
                    + [RuleResult.Status.pass, .fail, .warn, .error, .skip].map { String(summary[$0] ?? 0) })
        }
        return TextTable.lines(rows, gap: 3).joined(separator: "\n")
    }
}
