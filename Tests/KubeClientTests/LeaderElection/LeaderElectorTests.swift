import Foundation
import JSONValue
import Synchronization
import Testing

@testable import KubeClient

struct LeaderElectorTests {
    /// An elector with short periods; `renewDeadline` is generous enough that a busy machine (tests run in
    /// parallel) does not make the leader miss its renewals and campaign again.
    static func elector(
        _ transport: MemoryTransport, _ identity: String, leaseDuration: Duration = .seconds(2),
        renewDeadline: Duration = .seconds(1)
    ) -> LeaderElector {
        LeaderElector(
            client: KubeClientRESTTests.client(transport),
            configuration: LeaderElector.Configuration(
                namespace: "vigil",
                name: "vigil-leader",
                identity: identity,
                leaseDuration: leaseDuration,
                renewDeadline: renewDeadline,
                retryPeriod: .milliseconds(200)
            )
        )
    }

    static func holder(_ transport: MemoryTransport) -> String? {
        transport.objects("leases").first?[path: "spec", "holderIdentity"]?.stringValue
    }

    @Test func handsOverOnRelease() async throws {
        let transport = MemoryTransport()
        let first = Self.elector(transport, "a", leaseDuration: .seconds(8), renewDeadline: .seconds(6))
        let second = Self.elector(transport, "b", leaseDuration: .seconds(8), renewDeadline: .seconds(6))
        let leading = Mutex<[String]>([])
        let workA: @Sendable () async throws -> Void = {
            leading.withLock { $0.append("a") }
            try await Task.sleep(for: .seconds(60))
        }
        let workB: @Sendable () async throws -> Void = {
            leading.withLock { $0.append("b") }
            try await Task.sleep(for: .seconds(60))
        }
        let taskA = Task { try await first.run(workA) }
        try await InformerTests.eventually { first.isLeader }
        let taskB = Task { try await second.run(workB) }
        defer { taskB.cancel() }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(!second.isLeader)
        #expect(Self.holder(transport) == "a")
        taskA.cancel()
        _ = try? await taskA.value
        try await InformerTests.eventually { second.isLeader }
        #expect(Self.holder(transport) == "b")
        // Leadership is announced before the work task starts; wait for it to run.
        try await InformerTests.eventually { leading.withLock { $0.count } == 2 }
        #expect(leading.withLock { $0 } == ["a", "b"])
        let lease = try #require(transport.objects("leases").first)
        #expect(lease[path: "spec", "leaseTransitions"] == 1)
        #expect(lease[path: "spec", "leaseDurationSeconds"] == 8)
    }

    /// What an elector's callbacks reported.
    final class Reports: Sendable {
        let holders = Mutex<[String]>([])
        let stopped = Mutex(0)
    }

    @Test func callbacksReportEachNewHolderAndTheEndOfLeading() async throws {
        let transport = MemoryTransport()
        func elector(_ identity: String, _ reports: Reports) -> LeaderElector {
            LeaderElector(
                client: KubeClientRESTTests.client(transport),
                configuration: Self.elector(
                    transport, identity, leaseDuration: .seconds(8), renewDeadline: .seconds(6)
                ).configuration,
                callbacks: LeaderElector.Callbacks(
                    onNewLeader: { holder in reports.holders.withLock { $0.append(holder) } },
                    onStoppedLeading: { reports.stopped.withLock { $0 += 1 } }))
        }
        let (reportsA, reportsB) = (Reports(), Reports())
        let first = elector("a", reportsA)
        let second = elector("b", reportsB)
        let work: @Sendable () async throws -> Void = { try await Task.sleep(for: .seconds(60)) }
        let taskA = Task { try await first.run(work) }
        try await InformerTests.eventually { first.isLeader }
        let taskB = Task { try await second.run(work) }
        defer { taskB.cancel() }
        // The follower learns who leads without polling the elector.
        try await InformerTests.eventually { reportsB.holders.withLock { $0 } == ["a"] }
        taskA.cancel()
        _ = try? await taskA.value
        try await InformerTests.eventually { second.isLeader }
        try await InformerTests.eventually { reportsB.holders.withLock { $0.last } == "b" }
        // Each change once: the leader saw itself win, then its own release; the follower saw a, then b.
        #expect(reportsA.holders.withLock { $0 } == ["a", ""])
        #expect(reportsB.holders.withLock { $0 }.first == "a")
        #expect(reportsA.stopped.withLock { $0 } == 1)
        #expect(reportsB.stopped.withLock { $0 } == 0)
    }

    @Test(arguments: [SwitchableTransport.Mode.refuse, .hang])
    func noSplitBrainWhenHolderStalls(mode: SwitchableTransport.Mode) async throws {
        let server = MemoryTransport()
        let stalling = SwitchableTransport(base: server)
        let first = LeaderElector(
            client: KubeClientRESTTests.client(server), configuration: Self.elector(server, "a").configuration)
        let stalled = LeaderElector(
            client: KubeClient(
                configuration: ClientConfiguration(server: "https://127.0.0.1:1", qps: 1000, burst: 1000),
                transport: stalling,
                retryPolicy: .none
            ),
            configuration: first.configuration
        )
        _ = first
        let second = Self.elector(server, "b")
        let taskA = Task { try await stalled.run { try await Task.sleep(for: .seconds(60)) } }
        defer { taskA.cancel() }
        try await InformerTests.eventually { stalled.isLeader }
        let taskB = Task { try await second.run { try await Task.sleep(for: .seconds(60)) } }
        defer { taskB.cancel() }
        // The holder loses the server. It must stop leading before the other candidate starts.
        stalling.mode = mode
        var bothLeading = false
        for _ in 0..<800 {
            if stalled.isLeader && second.isLeader { bothLeading = true }
            if second.isLeader { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(second.isLeader)
        #expect(!stalled.isLeader)
        #expect(!bothLeading)
        #expect(Self.holder(server) == "b")
    }
}

/// Passes requests to a transport, or fails them as a severed (refused) or stalled (hanging) connection.
final class SwitchableTransport: KubeTransport {
    enum Mode: Sendable { case pass, refuse, hang }

    let base: any KubeTransport
    private let state = Mutex(Mode.pass)

    init(base: any KubeTransport) { self.base = base }

    var mode: Mode {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    private func check(_ request: KubeRequest) async throws {
        switch mode {
        case .pass: return
        case .refuse: throw KubeTransportError(.connectionFailed, "Connection refused", url: request.path)
        case .hang:
            try await Task.sleep(for: .seconds(60))
            throw KubeTransportError(.timedOut, "timed out", url: request.path)
        }
    }

    func execute(_ request: KubeRequest, credentials: Credentials) async throws -> KubeResponse {
        try await check(request)
        return try await base.execute(request, credentials: credentials)
    }

    func stream(_ request: KubeRequest, credentials: Credentials) async throws -> KubeStreamingResponse {
        try await check(request)
        return try await base.stream(request, credentials: credentials)
    }
}
