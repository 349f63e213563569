import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Synchronization
import Testing

/// Two electors, each with its own client and token, competing for one Lease on the local API server.
@Suite("Leader election against the local API server", .timeLimit(.minutes(2)))
struct LeaderElectionIntegrationTests {
    static let leases = GroupVersionResource(group: "coordination.k8s.io", version: "v1", resource: "leases")

    static func elector(_ client: KubeClient, _ identity: String) -> LeaderElector {
        LeaderElector(
            client: client,
            configuration: LeaderElector.Configuration(
                namespace: "default", name: "vigil", identity: identity, leaseDuration: .seconds(2),
                renewDeadline: .seconds(1), retryPeriod: .milliseconds(200))
        )
    }

    @Test func aStalledLeaderStepsDownBeforeTheOtherTakesOverAndNeverBothLead() async throws {
        try await ServerHarness.withServer(tokens: ["token-a", "token-b"]) { server in
            let configurationA = ServerHarness.configuration(for: server, authentication: .bearerToken("token-a"))
            let configurationB = ServerHarness.configuration(for: server, authentication: .bearerToken("token-b"))
            try await ServerHarness.withClient(configurationA, retryPolicy: .none) { clientA in
                try await ServerHarness.withClient(configurationB, retryPolicy: .none) { clientB in
                    let first = Self.elector(clientA, "a")
                    let second = Self.elector(clientB, "b")
                    let overlap = Mutex(false)
                    let sampler = Task {
                        while !Task.isCancelled {
                            if first.isLeader && second.isLeader { overlap.withLock { $0 = true } }
                            try? await Task.sleep(for: .milliseconds(5))
                        }
                    }
                    defer { sampler.cancel() }
                    let taskA = Task { try await first.run { try await Task.sleep(for: .seconds(120)) } }
                    defer { taskA.cancel() }
                    for _ in 0..<100 where !first.isLeader { try await Task.sleep(for: .milliseconds(50)) }
                    #expect(first.isLeader)
                    let taskB = Task { try await second.run { try await Task.sleep(for: .seconds(120)) } }
                    defer { taskB.cancel() }
                    try await Task.sleep(for: .milliseconds(600))
                    #expect(!second.isLeader, "the lease is held and renewed")

                    // The holder stalls: every request it makes takes 4 s (longer than the lease).
                    server.faults.setLatency(.seconds(4), forToken: "token-a")
                    var aSteppedDown = false
                    var bTookOver = false
                    for _ in 0..<200 {
                        if !first.isLeader { aSteppedDown = true }
                        if second.isLeader {
                            bTookOver = true
                            break
                        }
                        try await Task.sleep(for: .milliseconds(25))
                    }
                    #expect(aSteppedDown && bTookOver)
                    // The stalled holder's delayed writes arrive later with a stale resourceVersion: they
                    // must not take the lease back.
                    server.faults.setLatency(nil, forToken: "token-a")
                    try await Task.sleep(for: .seconds(2))
                    #expect(second.isLeader)
                    #expect(!first.isLeader)
                    #expect(!overlap.withLock { $0 }, "no moment with two leaders")
                    let lease = try await clientB.get(Self.leases, namespace: "default", name: "vigil")
                    #expect(lease[path: "spec", "holderIdentity"] == "b")
                    #expect(lease[path: "spec", "leaseTransitions"] == 1)
                }
            }
        }
    }

    @Test func aCancelledLeaderReleasesTheLeaseForAnImmediateHandOver() async throws {
        try await ServerHarness.withServer { server in
            try await ServerHarness.withClient(ServerHarness.configuration(for: server)) { client in
                let first = Self.elector(client, "a")
                let taskA = Task { try await first.run { try await Task.sleep(for: .seconds(120)) } }
                for _ in 0..<100 where !first.isLeader { try await Task.sleep(for: .milliseconds(50)) }
                #expect(first.isLeader)
                taskA.cancel()
                _ = await taskA.result
                let released = try await client.get(Self.leases, namespace: "default", name: "vigil")
                #expect(released[path: "spec", "holderIdentity"]?.stringValue ?? "" == "")
                #expect(released[path: "spec", "leaseDurationSeconds"] == 1)
                // Released: an empty holder may be taken at once.
                let second = Self.elector(client, "b")
                let taskB = Task { try await second.run { try await Task.sleep(for: .seconds(120)) } }
                defer { taskB.cancel() }
                for _ in 0..<100 where !second.isLeader { try await Task.sleep(for: .milliseconds(20)) }
                #expect(second.isLeader)
                let taken = try await client.get(Self.leases, namespace: "default", name: "vigil")
                #expect(taken[path: "spec", "holderIdentity"] == "b")
            }
        }
    }
}
