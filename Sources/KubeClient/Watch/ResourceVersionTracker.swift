import JSONValue

/// Tracks the resource version a watch should resume from: the version of the last event received,
/// bookmarks included, as client-go's reflector does.
public struct ResourceVersionTracker: Sendable, Hashable {
    /// The version to resume from; empty before anything was seen.
    public private(set) var resourceVersion: String

    public init(resourceVersion: String = "") {
        self.resourceVersion = resourceVersion
    }

    /// Records an event. Errors do not move the version.
    /// - Returns: whether the version changed.
    @discardableResult
    public mutating func observe(_ event: WatchEvent) -> Bool {
        guard let version = event.resourceVersion, !version.isEmpty, version != resourceVersion else { return false }
        resourceVersion = version
        return true
    }

    /// Sets the version after a list.
    public mutating func reset(to version: String) {
        resourceVersion = version
    }
}
