import Foundation
import JSONValue
import Synchronization
import Testing

@testable import KubeClient

struct LeaderElectorTests {
    static func elector(_ transport: MemoryTransport, _ identity: String) -> LeaderElector {
        LeaderElector(
            client: KubeClientRESTTests.client(transport),
            configuration: LeaderElector.Configuration(
                namespace: "vigil",
                name: "vigil-leader",
                identity: identity,
                leaseDuration: .seconds(2),
                renewDeadline: .seconds(1),
                retryPeriod: .milliseconds(200)
            )
        )
    }

    static func holder(_ transport: MemoryTransport) -> String? {
        transport.objects("leases").first?[path: "spec", "holderIdentity"]?.stringValue
    }

    @Test func handsOverOnRelease() async throws {
        let transport = MemoryTransport()
        let first = Self.elector(transport, "a")
        let second = Self.elector(transport, "b")
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
        #expect(lease[path: "spec", "leaseDurationSeconds"] == 2)
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
