import JSONValue
import KubeClient
import Logging
import PolicyEngine
import PolicyReports
import Testing

@testable import Controller

/// Re-reading the cluster's reports (at start and at every resync) while workers go on writing: what a
/// write or delete left must survive a listing that began before it.
@Suite("Report writer seeding", .serialized)
struct ReportWriterSeedTests {
    static let subject = ReportSubject(apiVersion: "v1", kind: "Pod", name: "web", namespace: "team-a", uid: "uid-web")

    static func report(_ result: RuleResult.Status) -> PolicyReport {
        PolicyReport(
            subject: subject,
            results: [
                ReportResult(
                    source: "kyverno", policy: "require-labels", rule: "check-for-labels", result: result,
                    message: "labels \(result.rawValue)")
            ])
    }

    static func writer(_ harness: ControllerHarness) throws -> ReportWriter {
        try harness.apply(ControllerHarness.namespace("team-a"))
        return ReportWriter(client: harness.client, api: .wgpolicyk8s, logger: Logger(label: "test"))
    }

    /// Runs `body` with a writer that has just created a failing report for the Pod `team-a/web`.
    static func withFailingReport(_ body: (ControllerHarness, ReportWriter) async throws -> Void) async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            let writer = try Self.writer(harness)
            #expect(try await writer.write(Self.report(.fail)) == .create)
            try await body(harness, writer)
        }
    }

    static func clusterResult(_ harness: ControllerHarness) async throws -> RuleResult.Status? {
        let document = try await harness.client.get(
            ControllerHarness.policyReports, namespace: "team-a", name: "uid-web")
        return PolicyReport(document: document)?.results.first?.result
    }

    @Test func aWriteDuringASeedIsNotUndoneByTheOlderListing() async throws {
        try await Self.withFailingReport { harness, writer in
            // A resync begins re-reading the reports and lists the failing one...
            let seed = writer.beginSeed()
            let listed = try await writer.listReports { _ in true }
            // ...while a worker reports the object's next version as passing...
            #expect(try await writer.write(Self.report(.pass)) == .update)
            // ...and the listing lands after the write.
            writer.finishSeed(seed, with: listed)
            // The object goes back to failing: that is a change from what the cluster holds, not a skip.
            #expect(try await writer.write(Self.report(.fail)) == .update)
            #expect(try await Self.clusterResult(harness) == .fail)
        }
    }

    @Test func aDeleteDuringASeedStaysDeleted() async throws {
        try await Self.withFailingReport { harness, writer in
            let seed = writer.beginSeed()
            let listed = try await writer.listReports { _ in true }
            #expect(listed["uid-web"] != nil)
            try await writer.delete(uid: "uid-web")
            writer.finishSeed(seed, with: listed)
            #expect(writer.knownReports["uid-web"] == nil, "the listing brought a deleted report back")
            // The same content again is a create, not a skipped write of a report that is gone.
            #expect(try await writer.write(Self.report(.fail)) == .create)
            #expect(try await Self.clusterResult(harness) == .fail)
        }
    }

    @Test func aSeedWithoutConcurrentWritesTakesTheClustersReports() async throws {
        try await Self.withFailingReport { harness, writer in
            // Changed behind the writer's back: the seed learns the cluster's content.
            var document = try await harness.client.get(
                ControllerHarness.policyReports, namespace: "team-a", name: "uid-web")
            document = Self.report(.pass).document.merging(resourceVersionOf: document)
            _ = try await harness.client.update(ControllerHarness.policyReports, namespace: "team-a", object: document)
            try await writer.seed { _ in true }
            #expect(try await writer.write(Self.report(.pass)) == .skippedUnchanged)
            #expect(try await writer.write(Self.report(.fail)) == .update)
        }
    }
}

extension JSONValue {
    fileprivate func merging(resourceVersionOf other: JSONValue) -> JSONValue {
        var copy = self
        copy["metadata"]?["resourceVersion"] = other[path: "metadata", "resourceVersion"] ?? .null
        return copy
    }
}
