import Controller
import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import PolicyReports
import Testing

/// The controller against the in-process local API server, compared with the offline engine.
@Suite("Reports controller", .serialized)
struct ReportsControllerTests {
    /// Namespaces, Pods (half labelled, a third with limits, some privileged) and Deployments.
    static func populate(_ harness: ControllerHarness, pods: Int = 12) throws {
        for namespace in ["team-a", "team-b"] {
            try harness.apply(ControllerHarness.namespace(namespace, labels: ["team": .string(namespace)]))
            for index in 0..<pods {
                try harness.apply(
                    ControllerHarness.pod(
                        "pod-\(index)", namespace: namespace, labelled: index % 2 == 0, limits: index % 3 == 0,
                        probes: index % 4 != 1, privileged: index == 5, nonRoot: index % 5 == 0))
            }
            try harness.apply(ControllerHarness.deployment("web", namespace: namespace, labelled: true, limits: true))
            try harness.apply(ControllerHarness.deployment("api", namespace: namespace, labelled: false, limits: false))
        }
    }

    static func applyPolicies(_ harness: ControllerHarness) throws {
        for file in ControllerHarness.policyFiles { try harness.apply(try ControllerHarness.corpusPolicy(file)) }
    }

    static func expectConverged(_ harness: ControllerHarness, _ context: String) async throws {
        let (reports, oracle) = try await harness.converge()
        #expect(!oracle.isEmpty, "\(context): the oracle expects reports")
        #expect(reports == oracle, "\(context): reports differ from the offline engine")
    }

    @Test func reportsFollowTheOfflineEngineThroughChanges() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.applyPolicies(harness)
            try Self.populate(harness)
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            #expect(controller.status.isReady)
            try await Self.expectConverged(harness, "initial scan")
            let created = controller.statistics.reportWrites[.create, default: 0]
            #expect(created == (try await harness.reports()).count)
            #expect(controller.policies.entries.values.allSatisfy { $0.state == .ready })

            // A second resync writes nothing: every report is skipped as unchanged.
            let before = controller.statistics.reportWrites
            try await controller.resync()
            let after = controller.statistics.reportWrites
            for operation in [ReportWriter.Operation.create, .update, .delete] {
                #expect(after[operation, default: 0] == before[operation, default: 0], "resync wrote \(operation)")
            }
            #expect(after[.skippedUnchanged, default: 0] - before[.skippedUnchanged, default: 0] == created)

            // A status-only change is not a change.
            var pod = try await harness.client.get(ControllerHarness.pods, namespace: "team-a", name: "pod-1")
            pod["status"] = ["phase": "Running"]
            _ = try await harness.client.update(ControllerHarness.pods, namespace: "team-a", object: pod)
            // An object change: pod-1 gets the label require-labels asks for.
            pod = try await harness.client.get(ControllerHarness.pods, namespace: "team-a", name: "pod-1")
            pod["metadata"]?["labels"] = ["app.kubernetes.io/name": "pod-1"]
            _ = try await harness.client.update(ControllerHarness.pods, namespace: "team-a", object: pod)
            try await Self.expectConverged(harness, "object changed")

            // A policy change: require-probes now audits only liveness probes (a different message).
            var probes = try ControllerHarness.corpusPolicy("best-practices/require-probes/require-probes.yaml")
            probes["metadata"]?["annotations"]?["policies.kyverno.io/scored"] = "false"
            try harness.apply(probes)
            try await Self.expectConverged(harness, "policy changed")

            // A deleted policy's results are pruned.
            try await harness.client.delete(ControllerHarness.clusterPolicies, name: "require-labels")
            try await Self.expectConverged(harness, "policy deleted")

            // A policy labelled reports.kyverno.io/disabled produces no results.
            var limits = try ControllerHarness.corpusPolicy(
                "best-practices/require-pod-requests-limits/require-pod-requests-limits.yaml")
            limits["metadata"]?["labels"] = ["reports.kyverno.io/disabled": "true"]
            try harness.apply(limits)
            try await Self.expectConverged(harness, "policy disabled")
            #expect(controller.policies.entries["ClusterPolicy/require-requests-limits"]?.state == .disabled)

            // A deleted resource's report is deleted.
            let uid = try await harness.client.get(ControllerHarness.pods, namespace: "team-b", name: "pod-0")[
                path: "metadata", "uid"]?.stringValue
            try await harness.client.delete(ControllerHarness.pods, namespace: "team-b", name: "pod-0")
            try await Self.expectConverged(harness, "resource deleted")
            #expect(try await harness.reports()[uid ?? ""] == nil)
        }
    }

    @Test func newLeaderStartsFromTheClusterReportsAndRewritesNothing() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.applyPolicies(harness)
            try Self.populate(harness, pods: 6)
            let (first, firstTask) = try harness.start()
            await first.status.waitUntilSettled()
            try await Self.expectConverged(harness, "first controller")
            first.beginShutdown()
            try await firstTask.value
            // A report left behind for a resource that no longer exists.
            try harness.apply([
                "apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport",
                "metadata": [
                    "name": "0000-gone", "namespace": "team-a",
                    "labels": ["app.kubernetes.io/managed-by": "vigil"],
                ],
                "scope": [
                    "apiVersion": "v1", "kind": "Pod", "name": "gone", "namespace": "team-a", "uid": "0000-gone",
                ],
                "results": [],
            ])
            let (second, secondTask) = try harness.start()
            defer { secondTask.cancel() }
            await second.status.waitUntilSettled()
            try await Self.expectConverged(harness, "second controller")
            let writes = second.statistics.reportWrites
            #expect(writes[.create, default: 0] == 0)
            #expect(writes[.update, default: 0] == 0)
            #expect(writes[.delete, default: 0] == 1)  // only the stale report
            #expect(writes[.skippedUnchanged, default: 0] == (try await harness.reports()).count)
        }
    }

    @Test func convergesThroughWatchDropsCompactionAndThrottling() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.applyPolicies(harness)
            try Self.populate(harness)
            harness.server.faults.failFraction(0.3)
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            let pods = try #require(harness.server.store.registry.resolve(group: "", version: "v1", plural: "pods"))
            for round in 0..<3 {
                harness.server.store.closeAllWatches()
                harness.server.store.compact()
                harness.server.faults.failNext(20)
                // The cluster changes straight in the store: the injected failures are for the controller,
                // and the test's own client could otherwise draw more of them in a row than it retries.
                try harness.apply(
                    ControllerHarness.pod(
                        "late-\(round)", namespace: "team-a", labelled: false, limits: true, probes: true))
                _ = try harness.server.store.delete(pods, namespace: "team-b", name: "pod-\(round)")
            }
            harness.server.faults.reset()
            try await Self.expectConverged(harness, "after faults")
            #expect(controller.statistics.retries > 0 || harness.server.faults.injectedCount > 0)
        }
    }

    @Test func survivesAnAPIServerRestart() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.applyPolicies(harness)
            try Self.populate(harness, pods: 6)
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            await harness.server.stop()
            try harness.apply(
                ControllerHarness.pod("while-down", namespace: "team-a", labelled: true, limits: false, probes: false))
            let pods = try #require(harness.server.store.registry.resolve(group: "", version: "v1", plural: "pods"))
            _ = try harness.server.store.delete(pods, namespace: "team-a", name: "pod-2")
            try await Task.sleep(for: .milliseconds(200))
            try await harness.server.start()
            try await Self.expectConverged(harness, "after restart")
        }
    }

    @Test func gracefulShutdownMidScanThenRestartConverges() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.applyPolicies(harness)
            try Self.populate(harness, pods: 40)
            harness.server.faults.setLatency(.milliseconds(2))
            let (controller, task) = try harness.start(ControllerHarness.configuration(workers: 1))
            // Stop as soon as the first reports are written, in the middle of the scan.
            while controller.statistics.reportWrites[.create, default: 0] < 3 {
                try await Task.sleep(for: .milliseconds(5))
            }
            controller.beginShutdown()
            try await task.value
            #expect(!controller.status.hasSettled)
            harness.server.faults.reset()
            let (second, secondTask) = try harness.start()
            defer { secondTask.cancel() }
            await second.status.waitUntilSettled()
            try await Self.expectConverged(harness, "after restart of the controller")
        }
    }

    @Test func onlyTheLeaderWritesAndTheNextLeaderRewritesNothing() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.applyPolicies(harness)
            try Self.populate(harness, pods: 6)
            try harness.apply(ControllerHarness.namespace("vigil-system"))
            func elected(_ identity: String) -> ReportsController.Configuration {
                var configuration = ControllerHarness.configuration()
                configuration.leaderElection = LeaderElector.Configuration(
                    namespace: "vigil-system", name: "vigil-reports-controller", identity: identity,
                    leaseDuration: .seconds(3), renewDeadline: .seconds(2), retryPeriod: .milliseconds(200))
                return configuration
            }
            let (first, firstTask) = try harness.start(elected("replica-a"))
            await first.status.waitUntilSettled()
            #expect(first.status.leadership == .leader)
            let (second, secondTask) = try harness.start(elected("replica-b"))
            defer { secondTask.cancel() }
            while second.status.leadership != .follower { try await Task.sleep(for: .milliseconds(20)) }
            #expect(second.status.isReady)  // a follower is ready as a standby
            try await Self.expectConverged(harness, "leader")
            #expect(second.statistics.reportWrites.isEmpty)
            // The leader stops and releases the Lease; the follower takes over from the cluster's reports.
            first.beginShutdown()
            try await firstTask.value
            await second.status.waitUntilSettled()
            #expect(second.status.leadership == .leader)
            try await Self.expectConverged(harness, "new leader")
            #expect(second.statistics.reportWrites[.create, default: 0] == 0)
            #expect(second.statistics.reportWrites[.update, default: 0] == 0)
        }
    }
}
