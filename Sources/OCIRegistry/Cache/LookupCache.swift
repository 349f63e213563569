import ContainerImages
import LookupCaching

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

    private var state: LookupCacheState<ImageData, RegistryError>
    private var inFlight: [String: Task<Outcome, Never>] = [:]

    init(configuration: RegistryClient.Configuration) {
        state = LookupCacheState(
            ttl: configuration.cacheTTL, negativeTTL: configuration.negativeCacheTTL,
            maximumEntries: configuration.maximumCacheEntries, evictsOldest: true,
            breakerThreshold: configuration.breakerThreshold, breakerCooldown: configuration.breakerCooldown)
    }

    /// Answers `key` from the cache, an open breaker or a flight in progress, or runs `fetch` (once for all
    /// concurrent callers of the key).
    func lookup(
        key: String, registry: String, image: String, fetch: @escaping @Sendable () async -> Outcome
    ) async -> (Outcome, Source) {
        let now = ContinuousClock.now
        if let outcome = state.answer(for: key, now: now) {
            switch outcome {
            case .success: return (Self.retarget(outcome, image), .hit)
            case .failure(let error): return (.failure(error.forImage(image)), .negative)
            }
        }
        if let task = inFlight[key], !task.isCancelled {
            let outcome = await task.value
            // The flight's owner was cancelled, not this caller: it looks the image up itself.
            if task.isCancelled, !Task.isCancelled {
                return await lookup(key: key, registry: registry, image: image, fetch: fetch)
            }
            return (Self.retarget(outcome, image), .coalesced)
        }
        if let refusal = state.refusal(for: registry, now: now) {
            let last = refusal.lastFailure
            let remaining = max(.zero, refusal.openUntil - now)
            let error = RegistryError(
                last.errorClass, image: image,
                cause: "registry \(registry) is failing (circuit open for \(Self.seconds(remaining))): \(last.cause)")
            return (.failure(error), .breaker)
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
            state.releaseProbe(of: registry)
        } else {
            var registryFailed = false
            if case .failure(let error) = outcome { registryFailed = error.errorClass.isRegistryFailure }
            state.record(outcome, key: key, origin: registry, originFailed: registryFailed, now: .now)
        }
        return (Self.retarget(outcome, image), .miss)
    }

    /// Forgets every cached answer and closes every breaker.
    func removeAll() {
        state.removeAll()
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
