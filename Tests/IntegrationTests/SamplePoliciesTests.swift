import Foundation
import JSONValue
import Testing

/// manifests/samples/: the demo's policies decode and run offline with `vigil apply`, and the workloads
/// give the results they are there to show.
@Suite(
    "manifests/samples with vigil apply",
    .enabled(if: FileManager.default.isExecutableFile(atPath: Paths.vigil), "needs a built .build/debug/vigil"))
struct SamplePoliciesTests {
    static let samples = Paths.repository.appendingPathComponent("manifests/samples").path

    /// The results as `STATUS Kind namespace/name: policy P rule R: message` lines that start with
    /// `prefix resource:`.
    func lines(_ output: [String], _ prefix: String, _ resource: String) -> [String] {
        output.filter { $0.hasPrefix("\(prefix) \(resource):") }
    }

    @Test func samplesEvaluateOffline() async throws {
        let result = try await ToolProcess.run(
            Paths.vigil, ["apply", Self.samples + "/policies", "--resource", Self.samples + "/workloads", "-o", "json"])
        let document = try JSONValue.parse(Array(result.output.utf8))
        #expect(document["errors"]?.arrayValue?.isEmpty ?? true, "a sample did not load: \(result.output)")
        let results = document["results"]?.arrayValue ?? []
        let output = results.map { result in
            let status = (result["result"]?.stringValue ?? "?").uppercased()
            let resource =
                (result[path: "resource", "kind"]?.stringValue ?? "") + " "
                + (result[path: "resource", "namespace"]?.stringValue ?? "") + "/"
                + (result[path: "resource", "name"]?.stringValue ?? "")
            return "\(status) \(resource): policy \(result["policy"]?.stringValue ?? "") "
                + "rule \(result["rule"]?.stringValue ?? ""): \(result["message"]?.stringValue ?? "")"
        }
        let policyCount = try FileManager.default.subpathsOfDirectory(atPath: Self.samples + "/policies")
            .filter { $0.hasSuffix(".yaml") }.count
        #expect(Set(results.compactMap { $0["policy"]?.stringValue }).count == policyCount)
        // Every workload has results (the two Namespaces match no rule).
        #expect(Set(results.compactMap { $0[path: "resource", "name"]?.stringValue }).count == 6)
        // Compliant workloads pass every rule that does not need a registry.
        for resource in ["Deployment shop/storefront", "Pod shop/storefront-worker"] {
            #expect(lines(output, "FAIL", resource).isEmpty, "\(resource) fails: \(lines(output, "FAIL", resource))")
            #expect(lines(output, "PASS", resource).count >= 8)
        }
        // Non-compliant ones fail the pod-security and best-practice rules.
        for resource in ["Deployment legacy/legacy-batch", "Pod legacy/debug-shell"] {
            let failures = lines(output, "FAIL", resource)
            #expect(failures.contains { $0.contains("policy disallow-host-namespaces rule") })
            #expect(failures.contains { $0.contains("policy disallow-host-namespaces-cel") })
            #expect(failures.contains { $0.contains("policy require-labels") })
            #expect(failures.contains { $0.contains("policy require-run-as-nonroot") })
        }
        // Offline, the registry lookup of the seed policy is an error naming the image, never a pass.
        for (resource, image) in [
            ("Pod shop/unreachable-registry", "127.0.0.1:1/app:1.0"),
            ("Pod shop/missing-tag", "DEMO_REGISTRY/demo/app:0.0.0-does-not-exist"),
        ] {
            let errors = lines(output, "ERROR", resource).filter { $0.contains("policy check-image-user") }
            #expect(errors.count == 1, "\(errors)")
            #expect(errors.first?.contains(image) == true)
            #expect(lines(output, "FAIL", resource).isEmpty)
        }
        // Offline, the external-data samples have no service and no GlobalContextEntry: errors that say so.
        let catalog = lines(output, "ERROR", "Pod shop/storefront-worker").filter {
            $0.contains("policy allowed-images")
        }
        #expect(catalog.count == 1, "\(catalog)")
        #expect(catalog.first?.contains("DEMO_SERVICE/v1/allowed-images?namespace=shop") == true)
        let unique = lines(output, "ERROR", "Deployment shop/storefront").filter {
            $0.contains("policy unique-deployment-names")
        }
        #expect(unique.first?.contains("global context entry deployments.names not found") == true, "\(unique)")
    }
}
