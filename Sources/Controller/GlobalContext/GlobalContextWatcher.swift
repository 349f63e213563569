import ExternalData
import Failures
import JSONValue
import KubeClient
import Logging
import Metrics
import PolicyEngine
import Synchronization

/// Keeps the data of every `GlobalContextEntry` in a ``GlobalContextStore``: one informer on the entries,
/// then per entry one informer (`kubernetesResource`, whole objects, served as an array sorted by namespace
/// and name) or one refresh loop (`apiCall`, every `refreshInterval`, up to `retryLimit` attempts per
/// refresh). However many rules read an entry, it costs one informer or one periodic call.
///
/// Vigil never writes the entries' `status`: a Kyverno installed beside it owns that subresource, and two
/// writers would fight over `conditions` and `lastRefreshTime`. Readiness is in logs and metrics instead.
final class GlobalContextWatcher: Sendable {
    struct Settings: Sendable {
        var resource: GroupVersionResource
        var pageSize: Int
        var minimumWatchTimeout: Duration
        var backoff: ExponentialBackoff
        /// The first pause between failed attempts of one refresh (doubling, at most 30 s).
        var retryDelay: Duration = .seconds(1)
    }

    /// Counters for tests and benchmarks.
    struct Statistics: Sendable, Hashable {
        /// `apiCall` attempts (Kubernetes paths and services).
        var calls = 0
        /// Lists of `kubernetesResource` entries.
        var lists = 0
    }

    /// An entry's loader: its spec (nil when invalid) and the latch that stops it.
    private struct Running: Sendable {
        var spec: GlobalContextEntrySpec?
        var stop = Latch()
    }

    private struct State: Sendable {
        var running: [String: Running] = [:]
        /// Entries whose first load has finished (ready or failed).
        var attempted: Set<String> = []
        var statistics = Statistics()
        /// Those waiting in ``waitForInitialLoads()``, woken to check again on every change.
        var loadWaiters: [Latch] = []

        /// Whether every entry the informer listed has finished its first load.
        var loadsAttempted: Bool { running.keys.allSatisfy { attempted.contains($0) } }
    }

    let client: KubeClient
    let store: GlobalContextStore
    let services: ServiceCallClient?
    let settings: Settings
    let logger: Logger
    /// Called when an entry's readiness changes (it became ready, failed, appeared or went away).
    let changed: @Sendable (_ name: String, _ becameReady: Bool) -> Void
    private let state = Mutex(State())
    /// The informer of the entries themselves.
    private let informer: Informer
    /// Loaders to start, run by ``run()`` as child tasks.
    private let loaders: AsyncStream<(name: String, spec: GlobalContextEntrySpec, stop: Latch)>
    private let loaderContinuation: AsyncStream<(name: String, spec: GlobalContextEntrySpec, stop: Latch)>.Continuation

    init(
        client: KubeClient, store: GlobalContextStore, services: ServiceCallClient?, settings: Settings,
        logger: Logger, changed: @escaping @Sendable (String, Bool) -> Void
    ) {
        self.client = client
        self.store = store
        self.services = services
        self.settings = settings
        self.logger = logger
        self.changed = changed
        (loaders, loaderContinuation) = AsyncStream.makeStream()
        informer = Informer(
            client: client,
            configuration: Informer.Configuration(
                resource: settings.resource, pageSize: settings.pageSize, keepsObjects: true,
                minimumWatchTimeout: settings.minimumWatchTimeout, backoff: settings.backoff))
    }

    var statistics: Statistics { state.withLock { $0.statistics } }

    /// Whether the entries have been listed and each has finished its first load (ready or failed).
    var initialLoadsDone: Bool { informer.hasSynced && state.withLock { $0.loadsAttempted } }

    /// Returns once ``initialLoadsDone`` holds, or when the task is cancelled.
    func waitForInitialLoads() async {
        // The informer has delivered (and this watcher applied) its first list once it reports synced.
        await informer.waitUntilSynced()
        while !Task.isCancelled {
            // Checked under the lock every change takes: a change after the check wakes this waiter.
            let wake = Latch()
            let done = state.withLock { state in
                if state.loadsAttempted { return true }
                state.loadWaiters.append(wake)
                return false
            }
            if done { return }
            await wake.wait()
        }
    }

    /// Changes the state and wakes those waiting for the first loads to check again.
    private func changeState<T>(_ body: (inout State) -> T) -> T {
        let (result, waiters) = state.withLock { state in
            let result = body(&state)
            defer { state.loadWaiters = [] }
            return (result, state.loadWaiters)
        }
        for waiter in waiters { waiter.fire() }
        return result
    }

    /// Watches the entries until cancelled, each entry's loader a child task; stops them all when it returns.
    func run() async throws {
        defer {
            loaderContinuation.finish()
            changeState { $0.running = [:] }
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.informer.run { event in self.handle(event) } }
            for await loader in loaders {
                group.addTask {
                    _ = await loader.stop.unlessFired { await self.load(name: loader.name, spec: loader.spec) }
                }
            }
        }
    }

    private func handle(_ event: InformerEvent) {
        switch event {
        case .added(let object), .updated(let object, _):
            guard let name = object[path: "metadata", "name"]?.stringValue else { return }
            apply(object, name: name)
        case .deleted(let identity, _):
            let old = changeState { state in
                state.attempted.remove(identity.name)
                return state.running.removeValue(forKey: identity.name)
            }
            old?.stop.fire()
            store.remove(identity.name)
            logger.info("global context entry removed", metadata: ["entry": "\(identity.name)"])
            changed(identity.name, false)
        case .resynced:
            break
        }
    }

    private func apply(_ object: JSONValue, name: String) {
        let spec: GlobalContextEntrySpec
        do {
            spec = try GlobalContextEntrySpec(object: object)
        } catch {
            let old = changeState { state in
                state.attempted.insert(name)
                return state.running.updateValue(Running(spec: nil), forKey: name)
            }
            old?.stop.fire()
            store.declare(name, projections: [])
            store.fail(name, reason: error.message)
            logger.error("invalid global context entry", metadata: ["entry": "\(name)", "error": "\(error.message)"])
            changed(name, false)
            return
        }
        let unchanged = state.withLock { $0.running[name]?.spec == spec }
        guard !unchanged else { return }
        store.declare(name, projections: spec.projections.map { ($0.name, $0.jmesPath) })
        let loader = Running(spec: spec)
        let old = changeState { state in
            state.attempted.remove(name)
            return state.running.updateValue(loader, forKey: name)
        }
        old?.stop.fire()
        loaderContinuation.yield((name, spec, loader.stop))
        logger.info("global context entry loading", metadata: ["entry": "\(name)"])
        changed(name, false)
    }

    private func markAttempted(_ name: String) {
        _ = changeState { $0.attempted.insert(name) }
    }

    private func publish(_ name: String, _ data: JSONValue) {
        let becameReady = store.update(name, data: data)
        markAttempted(name)
        if becameReady {
            logger.info("global context entry ready", metadata: ["entry": "\(name)"])
            changed(name, true)
        } else if let failure = store.entry(name)?.failure {
            logger.error(
                "global context entry projection failed", metadata: ["entry": "\(name)", "error": "\(failure)"])
            changed(name, false)
        }
    }

    private func fail(_ name: String, _ reason: String) {
        store.fail(name, reason: reason)
        markAttempted(name)
        logger.error("global context entry failed", metadata: ["entry": "\(name)", "error": "\(reason)"])
        changed(name, false)
    }

    private func load(name: String, spec: GlobalContextEntrySpec) async {
        switch spec.source {
        case .kubernetesResource(let resource, let namespace):
            await watch(name: name, resource: resource, namespace: namespace)
        case .apiCall(let request, let interval, let retryLimit):
            await poll(name: name, request: request, interval: interval, retryLimit: retryLimit)
        }
    }

    /// Keeps every object of `resource` with an informer; publishes the array after the first list and
    /// after every change.
    private func watch(name: String, resource: GroupVersionResource, namespace: String?) async {
        let informer = Informer(
            client: client,
            configuration: Informer.Configuration(
                resource: resource, namespace: namespace, pageSize: settings.pageSize, keepsObjects: true,
                minimumWatchTimeout: settings.minimumWatchTimeout, backoff: settings.backoff))
        let synced = SyncedFlag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // An informer retries failed lists by itself; report the entry as failed meanwhile.
                var reported = 0
                while !Task.isCancelled, !synced.value {
                    let errors = informer.statistics.errors
                    if errors > reported {
                        reported = errors
                        self.fail(name, "listing \(resource) failed \(errors) time(s); retrying")
                    }
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            group.addTask {
                try? await informer.run { event in
                    switch event {
                    case .resynced:
                        synced.set()
                        self.state.withLock { $0.statistics.lists += 1 }
                    case .added, .deleted, .updated(_, contentChanged: true):
                        guard synced.value else { return }
                    case .updated(_, contentChanged: false):
                        return
                    }
                    self.publish(name, Self.objects(informer.store))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    static func objects(_ store: InformerStore) -> JSONValue {
        let sorted = store.entries.values.sorted {
            ($0.identity.namespace, $0.identity.name) < ($1.identity.namespace, $1.identity.name)
        }
        return .array(sorted.compactMap(\.object))
    }

    /// Calls the API path or service every `interval`, with up to `retryLimit` attempts per refresh.
    private func poll(name: String, request: APICallRequest, interval: Duration, retryLimit: Int) async {
        while !Task.isCancelled {
            var delay = settings.retryDelay
            var lastError = ""
            var succeeded = false
            for attempt in 1...max(1, retryLimit) {
                state.withLock { $0.statistics.calls += 1 }
                do {
                    let data = try await call(request)
                    publish(name, data)
                    succeeded = true
                    break
                } catch {
                    lastError = error.message
                    guard attempt < retryLimit, !Task.isCancelled else { break }
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(30))
                }
            }
            if !succeeded, !Task.isCancelled {
                fail(name, "apiCall failed after \(max(1, retryLimit)) attempt(s): \(lastError)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func call(_ request: APICallRequest) async throws(ContextProviderError) -> JSONValue {
        if let path = request.urlPath {
            return try await ClusterContextProvider.kubernetesCall(request, path: path, client: client)
        }
        guard let services else {
            throw ContextProviderError(.unavailable, "no service call client is configured")
        }
        return try await services.callUncached(request)
    }
}

/// Whether an entry's informer has finished its first list, shared by its event handler and the task
/// reporting list failures meanwhile.
private final class SyncedFlag: Sendable {
    private let flag = Mutex(false)

    var value: Bool { flag.withLock { $0 } }

    func set() {
        flag.withLock { $0 = true }
    }
}
