public import JSONValue
import KubeClient
import Synchronization

/// The labels (for `namespaceSelector`) and objects (for CEL policies' `namespaceObject`) of every namespace,
/// kept up to date by the Namespace informer.
public final class NamespaceLabels: Sendable {
    private let labels = Mutex<[String: [String: String]]>([:])
    private let objects = Mutex<[String: JSONValue]>([:])

    public init() {}

    /// The labels of a namespace; empty when it is unknown.
    public func labels(of namespace: String) -> [String: String] {
        labels.withLock { $0[namespace] ?? [:] }
    }

    /// The Namespace object (without `managedFields`), when the informer has seen it.
    public func object(of namespace: String) -> JSONValue? {
        objects.withLock { $0[namespace] }
    }

    /// Records a namespace's labels; returns whether they changed.
    @discardableResult
    func set(_ namespace: String, _ newLabels: [String: String]) -> Bool {
        labels.withLock { labels in
            defer { labels[namespace] = newLabels }
            return labels[namespace] != newLabels
        }
    }

    /// Records a Namespace object; returns whether what a policy can see of it changed: its labels (for
    /// `namespaceSelector`) or, for CEL policies' `namespaceObject`, its annotations or spec
    /// (``JSONValue/scanContentHash``: status and resource-version-only updates are no change).
    @discardableResult
    func set(object: JSONValue) -> Bool {
        guard let name = object[path: "metadata", "name"]?.stringValue else { return false }
        var stored = object
        stored["metadata"]?["managedFields"] = nil
        if stored["apiVersion"] == nil { stored["apiVersion"] = "v1" }
        if stored["kind"] == nil { stored["kind"] = "Namespace" }
        let previous = objects.withLock { $0.updateValue(stored, forKey: name) }
        var newLabels: [String: String] = [:]
        for (key, value) in object[path: "metadata", "labels"]?.objectValue ?? [:] {
            newLabels[key] = value.stringValue ?? ""
        }
        let labelsChanged = set(name, newLabels)
        return labelsChanged || previous?.scanContentHash != stored.scanContentHash
    }

    func remove(_ namespace: String) {
        _ = labels.withLock { $0.removeValue(forKey: namespace) }
        _ = objects.withLock { $0.removeValue(forKey: namespace) }
    }
}
