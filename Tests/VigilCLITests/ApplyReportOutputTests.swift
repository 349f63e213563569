import Foundation
import JSONValue
import Testing
import YAML

/// `vigil apply -o report`: the PolicyReports the controller would write for the same inputs.
struct ApplyReportOutputTests {
    static let resources = """
        apiVersion: v1
        kind: Pod
        metadata: {name: latest, namespace: prod}
        spec:
          containers: [{name: web, image: "nginx:latest"}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: pinned, namespace: prod, uid: 0d3c2a51-8f0e-4a53-9c1e-6a3f2c1b9e77}
        spec:
          containers: [{name: web, image: "nginx:1.25"}]
        """

    func reports() throws -> [JSONValue] {
        let policy = ApplyCommandTests.policy.components(separatedBy: "---")[0]
        let output = try ApplyCommandTests.apply(["policy.yaml": policy, "pods.yaml": Self.resources]) { directory in
            [
                "--policy", directory.appendingPathComponent("policy.yaml").path, "--resource",
                directory.appendingPathComponent("pods.yaml").path, "-o", "report",
            ]
        }
        #expect(output.status == 0, "\(output.stderr)")
        return try YAML.load(output.stdout).filter { !$0.isNull }
    }

    @Test func oneReportPerResourceNamedByUID() throws {
        let reports = try reports()
        #expect(reports.count == 2)
        for report in reports {
            #expect(report["apiVersion"] == "wgpolicyk8s.io/v1alpha2")
            #expect(report["kind"] == "PolicyReport")
            #expect(report[path: "metadata", "namespace"] == "prod")
            #expect(report[path: "metadata", "name"] == report[path: "scope", "uid"])
            #expect(report[path: "metadata", "labels", "app.kubernetes.io/managed-by"] == "vigil")
        }
        let byName = Dictionary(
            reports.compactMap { report in report[path: "scope", "name"]?.stringValue.map { ($0, report) } }
        ) { first, _ in first }
        let latest = try #require(byName["latest"])
        #expect(latest[path: "summary", "fail"] == 1)
        #expect(latest[path: "summary", "pass"] == 0)
        let result = try #require(latest["results"]?[0])
        #expect(result["policy"] == "disallow-latest-tag")
        #expect(result["rule"] == "validate-image-tag")
        #expect(result["result"] == "fail")
        #expect(result[path: "properties", "process"] == "background scan")
        let pinned = try #require(byName["pinned"])
        #expect(pinned[path: "metadata", "name"] == "0d3c2a51-8f0e-4a53-9c1e-6a3f2c1b9e77")
        #expect(pinned[path: "summary", "pass"] == 1)
    }

    @Test func resourcesWithoutAUIDGetTheSameNameEveryRun() throws {
        let first = try reports().compactMap { $0[path: "metadata", "name"]?.stringValue }.sorted()
        let second = try reports().compactMap { $0[path: "metadata", "name"]?.stringValue }.sorted()
        #expect(first == second)
        #expect(first.allSatisfy { $0.count == 36 && $0.split(separator: "-").count == 5 })
    }
}
