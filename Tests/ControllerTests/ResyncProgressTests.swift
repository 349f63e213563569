import Controller
import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import PolicyReports
import Synchronization
import Testing

/// Resyncs and the first scan wait for the work they queued, not for an idle queue: one object that fails
/// forever, or a cluster that never stops changing, must not stop them.
@Suite("Resync progress", .serialized)
struct ResyncProgressTests {
    /// Whether `body` finishes within `limit` (a bound for a hang, not a timing); a body still running
    /// then is cancelled and left behind.
    static func finishes(
        within limit: Duration, _ body: @escaping @Sendable () async throws -> Void
    ) async throws -> Bool {
        let finished = Atomic<Bool>(false)
        let task = Task {
            try await body()
            finished.store(true, ordering: .sequentiallyConsistent)
        }
        let deadline = ContinuousClock.now + limit
        while !finished.load(ordering: .sequentiallyConsistent), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if finished.load(ordering: .sequentiallyConsistent) {
            try await task.value
            return true
        }
        task.cancel()
        return false
    }

    /// A policy whose `rules` rules each report on Pods labelled `bulky: "true"`: their report is larger than
    /// the server accepts, so its write fails every time.
    static func bulkyPolicy(rules: Int) -> JSONValue {
        .object([
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
            "metadata": [
                "name": "bulky-labels", "annotations": ["pod-policies.kyverno.io/autogen-controllers": "none"],
            ],
            "spec": [
                "background": true,
                "rules": .array(
                    (0..<rules).map { index in
                        [
                            "name": .string("label-\(index)"),
                            "match": [
                                "any": [
                                    ["resources": ["kinds": ["Pod"], "selector": ["matchLabels": ["bulky": "true"]]]]
                                ]
                            ],
                            "validate": [
                                "message": .string(
                                    "The label example.com/label-\(index) is required on every bulky Pod."),
                                "pattern": ["metadata": ["labels": .object(["example.com/label-\(index)": "?*"])]],
                            ],
                        ]
                    }),
            ],
        ])
    }

    @Test func resyncsGoOnWhileOneObjectFailsForever() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with(maxBodyBytes: 12 * 1024) { harness in
            try ReportsControllerTests.applyPolicies(harness)
            try ReportsControllerTests.populate(harness, pods: 4)
            try harness.apply(Self.bulkyPolicy(rules: 60))
            var bulky = ControllerHarness.pod("bulky", namespace: "team-a", labelled: true, limits: true, probes: true)
            bulky["metadata"]?["labels"]?["bulky"] = "true"
            try harness.apply(bulky)
            let bulkyUID = try #require(
                try await harness.client.get(ControllerHarness.pods, namespace: "team-a", name: "bulky")[
                    path: "metadata", "uid"]?.stringValue)
            var configuration = ControllerHarness.configuration()
            configuration.backgroundScanInterval = .milliseconds(300)
            let (controller, task) = try harness.start(configuration)
            defer { task.cancel() }
            let settled = try await Self.finishes(within: .seconds(60)) { await controller.status.waitUntilSettled() }
            #expect(settled, "the first scan never settled while one report write fails forever")
            guard settled else { return }

            // Every other resource is reported as the offline engine says; the bulky Pod's write keeps failing.
            var expected = try await harness.oracle()
            #expect(expected[bulkyUID] != nil)
            expected[bulkyUID] = nil
            #expect(try await harness.reports() == expected)
            #expect(controller.statistics.retries > 0)

            // Reports deleted behind Vigil's back come back with the following resyncs, one after another.
            for name in ["pod-0", "pod-1", "pod-2"] {
                let uid = try #require(
                    try await harness.client.get(ControllerHarness.pods, namespace: "team-b", name: name)[
                        path: "metadata", "uid"]?.stringValue)
                #expect(expected[uid] != nil)
                try await harness.client.delete(ControllerHarness.policyReports, namespace: "team-b", name: uid)
                let restored = try await Self.finishes(within: .seconds(60)) {
                    while try await harness.reports()[uid] == nil { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(restored, "no resync restored the report of \(name)")
                guard restored else { return }
            }
            #expect(try await harness.reports()[bulkyUID] == nil)
        }
    }

    @Test func aResyncCompletesUnderConstantChurn() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try ReportsControllerTests.applyPolicies(harness)
            try ReportsControllerTests.populate(harness, pods: 12)
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            let settled = try await Self.finishes(within: .seconds(60)) { await controller.status.waitUntilSettled() }
            #expect(settled)
            guard settled else { return }
            // Each request takes a while; the Pods change far faster than they are evaluated, so the queue is
            // never empty while the churn lasts (an idle-queue wait would not end before the churn does).
            harness.server.faults.setLatency(.milliseconds(10))
            let churn = Task {
                var round = 0
                while !Task.isCancelled {
                    round += 1
                    for index in 0..<12 {
                        var pod = ControllerHarness.pod(
                            "pod-\(index)", namespace: "team-a", labelled: (round + index) % 2 == 0,
                            limits: index % 3 == 0, probes: index % 4 != 1, privileged: index == 5,
                            nonRoot: index % 5 == 0)
                        pod["metadata"]?["annotations"] = ["churn": .string("\(round)")]
                        try? harness.apply(pod)
                    }
                    try? await Task.sleep(for: .milliseconds(2))
                }
            }
            let resynced = try await Self.finishes(within: .seconds(60)) { try await controller.resync() }
            churn.cancel()
            await churn.value
            harness.server.faults.reset()
            #expect(resynced, "the resync never completed while the cluster kept changing")
            try await ReportsControllerTests.expectConverged(harness, "after the churn")
        }
    }
}
