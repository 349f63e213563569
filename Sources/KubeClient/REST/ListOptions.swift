import JSONValue

/// Options of a list request.
public struct ListOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// The page size; `nil` lists everything at once.
    public var limit: Int?
    public var continueToken: String?
    public var resourceVersion: String?
    /// `Exact` or `NotOlderThan`; only with ``resourceVersion``.
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        limit: Int? = nil,
        continueToken: String? = nil,
        resourceVersion: String? = nil,
        resourceVersionMatch: String? = nil,
        timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String?)] {
        [
            ("labelSelector", labelSelector), ("fieldSelector", fieldSelector), ("limit", limit.map(String.init)),
            ("continue", continueToken), ("resourceVersion", resourceVersion),
            ("resourceVersionMatch", resourceVersionMatch), ("timeoutSeconds", timeoutSeconds.map(String.init)),
        ]
    }
}

/// Options of a watch request.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Changes after this version; unset starts with synthetic `ADDED` events for every object.
    public var resourceVersion: String?
    public var allowWatchBookmarks: Bool
    /// How long the server keeps the watch open before ending it cleanly.
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        resourceVersion: String? = nil,
        allowWatchBookmarks: Bool = true,
        timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String?)] {
        [
            ("watch", "1"), ("labelSelector", labelSelector), ("fieldSelector", fieldSelector),
            ("resourceVersion", resourceVersion), ("allowWatchBookmarks", allowWatchBookmarks ? "true" : nil),
            ("timeoutSeconds", timeoutSeconds.map(String.init)),
        ]
    }
}

/// One page of a list.
public struct ListPage: Sendable, Hashable {
    public var items: [JSONValue]
    /// `metadata.resourceVersion` of the list (the same on every page of one paged list).
    public var resourceVersion: String
    /// The token for the next page; empty on the last page.
    public var continueToken: String
    public var remainingItemCount: Int?
    /// The list `kind` (`PodList`).
    public var kind: String?
}
