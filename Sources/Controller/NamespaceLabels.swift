import Synchronization

/// The labels of every namespace, kept up to date by the Namespace informer (for `namespaceSelector`).
public final class NamespaceLabels: Sendable {
    private let labels = Mutex<[String: [String: String]]>([:])

    public init() {}

    /// The labels of a namespace; empty when it is unknown.
    public func labels(of namespace: String) -> [String: String] {
        labels.withLock { $0[namespace] ?? [:] }
    }

    /// Records a namespace's labels; returns whether they changed.
    @discardableResult
    func set(_ namespace: String, _ newLabels: [String: String]) -> Bool {
        labels.withLock { labels in
            defer { labels[namespace] = newLabels }
            return labels[namespace] != newLabels
        }
    }

    func remove(_ namespace: String) {
        _ = labels.withLock { $0.removeValue(forKey: namespace) }
    }
}
