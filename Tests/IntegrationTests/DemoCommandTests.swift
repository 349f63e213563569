import Foundation
import Testing

/// `vigil demo` end to end: the embedded API server, the samples from `manifests/`, the controller and the
/// image registry lookups, as `scripts/demo` runs it.
@Suite(
    "vigil demo",
    .enabled(if: FileManager.default.isExecutableFile(atPath: Paths.vigil), "needs a built .build/debug/vigil"))
struct DemoCommandTests {
    @Test func demoPrintsTheSettledReportsAndTheImageFailures() async throws {
        let manifests = Paths.repository.appendingPathComponent("manifests").path
        let result = try await ToolProcess.run(
            Paths.vigil, ["demo", "--manifests", manifests, "--timeout", "90"], timeout: .seconds(180))
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        // A row per sample workload (Deployments and Pods), as kubectl get policyreport -A prints them.
        #expect(lines.contains { $0.hasPrefix("NAMESPACE") && $0.contains("PASS") && $0.contains("SKIP") })
        for name in ["storefront", "legacy-batch", "debug-shell", "unreachable-registry", "missing-tag"] {
            #expect(lines.contains { $0.split(separator: " ").contains(Substring(name)) }, "no report row for \(name)")
        }
        // Non-compliant workloads fail the pod-security rules.
        #expect(result.output.contains("legacy/Pod/debug-shell  disallow-host-namespaces/host-namespaces  FAIL"))
        // The CEL sample (a ValidatingPolicy read from the samples folder) reports beside them.
        #expect(result.output.contains("legacy/Pod/debug-shell  disallow-host-namespaces-cel  FAIL"))
        #expect(!result.output.contains("shop/Pod/storefront-worker  disallow-host-namespaces-cel"))
        // The refused registry is an error classified as unreachable, with the image in the properties.
        let unreachable = try #require(
            lines.firstIndex { $0.contains("shop/Pod/unreachable-registry  check-image-user/") })
        #expect(lines[unreachable].hasSuffix("ERROR"))
        #expect(lines[unreachable + 1].contains("failed to fetch image descriptor: 127.0.0.1:1/app:1.0"))
        #expect(lines[unreachable + 2].contains("imageError=unreachable"))
        #expect(lines[unreachable + 2].contains("image=127.0.0.1:1/app:1.0"))
        // With Debian's docker-registry the missing tag is a not-found from a real registry.
        if ToolProcess.isOnPath("docker-registry") {
            let missing = try #require(lines.firstIndex { $0.contains("shop/Pod/missing-tag  check-image-user/") })
            #expect(lines[missing + 1].contains("MANIFEST_UNKNOWN"))
            #expect(lines[missing + 2].contains("imageError=not-found"))
        }
        // The catalog service (apiCall.service) allows registry.k8s.io and the demo registry, not busybox.
        #expect(result.output.contains("catalog service (apiCall.service): http://127.0.0.1:"))
        #expect(result.output.contains("legacy/Pod/debug-shell  allowed-images/catalog-allows-images  FAIL"))
        #expect(!result.output.contains("shop/Pod/storefront-worker  allowed-images/"))
        // The GlobalContextEntry was loaded: its policy passes, and no rule read it before it was ready.
        #expect(!result.output.contains("unique-deployment-names/"))
        #expect(!result.output.contains("globalContextError"))
        #expect(lines.last?.hasPrefix("6 reports: ") == true, "\(lines.suffix(3))")
    }
}
