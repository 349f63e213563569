import KubeClient

/// A running light-mode informer for one kind some ready policy matches.
struct KindWatcher: Sendable {
    var kind: String
    var mapping: ResourceMapping
    var informer: Informer
    var task: Task<Void, Never>
}

/// The informers that feed the policy cache and the namespace labels.
struct PolicySources: Sendable {
    var informers: [Informer] = []
}
