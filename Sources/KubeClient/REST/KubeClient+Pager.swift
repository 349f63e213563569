import JSONValue

extension KubeClient {
    /// Lists a resource page by page (client-go's `tools/pager`), handing each page to `body` as it
    /// arrives so that callers never hold the whole list.
    ///
    /// All pages share the first page's resource version. When a continue token expires mid-list
    /// (410 `Expired`), the list restarts as one unpaginated list, as client-go's pager does with
    /// `FullListIfExpired`; `body` then receives that page with `restarted == true` and must discard what
    /// it gathered from earlier pages.
    ///
    /// - Parameters:
    ///   - pageSize: items per page (client-go default 500).
    ///   - options: selectors and an optional starting resource version.
    ///   - body: called for each page with the page and whether the list restarted.
    /// - Returns: the resource version of the list.
    @discardableResult
    public func listPages(
        _ resource: GroupVersionResource,
        namespace: String? = nil,
        pageSize: Int = 500,
        options: ListOptions = ListOptions(),
        _ body: (ListPage, _ restarted: Bool) async throws -> Void
    ) async throws -> String {
        var options = options
        options.limit = pageSize
        options.continueToken = nil
        var pageIndex = 0
        while true {
            let page: ListPage
            do {
                page = try await list(resource, namespace: namespace, options: options)
            } catch let error as KubeAPIError where error.isExpired && pageIndex > 0 {
                var full = options
                full.limit = nil
                full.continueToken = nil
                full.resourceVersion = nil
                full.resourceVersionMatch = nil
                let all = try await list(resource, namespace: namespace, options: full)
                try await body(all, true)
                return all.resourceVersion
            }
            try await body(page, false)
            pageIndex += 1
            guard !page.continueToken.isEmpty else { return page.resourceVersion }
            options.continueToken = page.continueToken
            // A continue token carries its resource version: the two must not both be sent.
            options.resourceVersion = nil
            options.resourceVersionMatch = nil
        }
    }

    /// Lists every object of a resource, paging as ``listPages(_:namespace:pageSize:options:_:)``.
    /// - Returns: the items and the list's resource version.
    public func listAll(
        _ resource: GroupVersionResource,
        namespace: String? = nil,
        pageSize: Int = 500,
        options: ListOptions = ListOptions()
    ) async throws -> (items: [JSONValue], resourceVersion: String) {
        var items: [JSONValue] = []
        let version = try await listPages(resource, namespace: namespace, pageSize: pageSize, options: options) {
            page, restarted in
            if restarted { items.removeAll() }
            items += page.items
        }
        return (items, version)
    }
}
