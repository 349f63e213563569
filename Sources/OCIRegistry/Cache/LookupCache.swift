import ContainerImages

/// The shared state behind ``RegistryClient``: cached successes (TTL), cached failures (short TTL),
/// lookups in flight (single-flight) and a circuit breaker per registry.
///
/// An actor: every decision (answer from cache, join a flight, refuse through the breaker, start a lookup)
/// is taken atomically, so a thousand concurrent callers of one image start exactly one network lookup.
actor LookupCache {
    typealias Outcome = Result<ImageData, RegistryError>

    /// How a lookup was answered; the `cache` label of `vigil_registry_lookups_total`.
    enum Source: String, Sendable, CaseIterable {
        case miss, hit, negative, breaker, coalesced
    }

    private struct Entry {
        var outcome: Outcome
        var expires: ContinuousClock.Instant
    }

    private struct Breaker {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
        var probing = false
        var lastFailure: RegistryError?
    }

    private let ttl: Duration
    private let negativeTTL: Duration
    private let maximumEntries: Int
    private let threshold: Int
    private let cooldown: Duration
    private var entries: [String: Entry] = [:]
    private var insertionOrder: [String] = []
    private var inFlight: [String: Task<Outcome, Never>] = [:]
    private var breakers: [String: Breaker] = [:]

    init(configuration: RegistryClient.Configuration) {
        self.ttl = configuration.cacheTTL
        self.negativeTTL = configuration.negativeCacheTTL
        self.maximumEntries = max(1, configuration.maximumCacheEntries)
        self.threshold = max(1, configuration.breakerThreshold)
        self.cooldown = configuration.breakerCooldown
    }

    /// Answers `key` from the cache, an open breaker or a flight in progress, or runs `fetch` (once for all
    /// concurrent callers of the key).
    func lookup(
        key: String, registry: String, image: String, fetch: @escaping @Sendable () async -> Outcome
    ) async -> (Outcome, Source) {
        let now = ContinuousClock.now
        if let entry = entries[key] {
            if entry.expires > now {
                switch entry.outcome {
                case .success: return (Self.retarget(entry.outcome, image), .hit)
                case .failure(let error): return (.failure(error.forImage(image)), .negative)
                }
            }
            entries[key] = nil
        }
        if let task = inFlight[key], !task.isCancelled {
            let outcome = await task.value
            // The flight's owner was cancelled, not this caller: it looks the image up itself.
            if task.isCancelled, !Task.isCancelled {
                return await lookup(key: key, registry: registry, image: image, fetch: fetch)
            }
            return (Self.retarget(outcome, image), .coalesced)
        }
        var breaker = breakers[registry] ?? Breaker()
        if let openUntil = breaker.openUntil, let last = breaker.lastFailure {
            if now < openUntil || breaker.probing {
                let remaining = max(.zero, openUntil - now)
                let error = RegistryError(
                    last.errorClass, image: image,
                    cause:
                        "registry \(registry) is failing (circuit open for \(Self.seconds(remaining))): \(last.cause)")
                return (.failure(error), .breaker)
            }
            breaker.probing = true
            breakers[registry] = breaker
        }
        let task = Task { await fetch() }
        inFlight[key] = task
        // The flight is unstructured (callers coalesce on it): its owner's cancellation must reach it, or a
        // registry that never answers holds a cancelled caller (a shutdown) until the request times out.
        let outcome = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        // A caller coalesced on a cancelled flight may have started the next one meanwhile.
        if inFlight[key] == task { inFlight[key] = nil }
        if task.isCancelled {
            // A cancelled lookup says nothing about the registry: neither cached nor counted by the breaker,
            // and a probe it was lets the next lookup probe instead.
            breakers[registry]?.probing = false
        } else {
            record(outcome, key: key, registry: registry)
        }
        return (Self.retarget(outcome, image), .miss)
    }

    private func record(_ outcome: Outcome, key: String, registry: String) {
        let now = ContinuousClock.now
        var breaker = breakers[registry] ?? Breaker()
        breaker.probing = false
        switch outcome {
        case .success:
            breaker = Breaker()
            store(key, Entry(outcome: outcome, expires: now + ttl))
        case .failure(let error):
            store(key, Entry(outcome: outcome, expires: now + negativeTTL))
            if error.errorClass.isRegistryFailure {
                breaker.consecutiveFailures += 1
                breaker.lastFailure = error
                if breaker.consecutiveFailures >= threshold { breaker.openUntil = now + cooldown }
            } else {
                breaker = Breaker()
            }
        }
        breakers[registry] = breaker
    }

    private func store(_ key: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: key) == nil { insertionOrder.append(key) }
        guard entries.count > maximumEntries else { return }
        let now = ContinuousClock.now
        entries = entries.filter { $0.value.expires > now }
        insertionOrder.removeAll { entries[$0] == nil }
        while entries.count > maximumEntries, !insertionOrder.isEmpty {
            entries[insertionOrder.removeFirst()] = nil
        }
    }

    /// Forgets every cached answer and closes every breaker.
    func removeAll() {
        entries = [:]
        insertionOrder = []
        breakers = [:]
    }

    private static func retarget(_ outcome: Outcome, _ image: String) -> Outcome {
        switch outcome {
        case .success(var data):
            data.reference.image = image
            return .success(data)
        case .failure(let error):
            return .failure(error.forImage(image))
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds + (attoseconds > 0 ? 1 : 0))s"
    }
}
