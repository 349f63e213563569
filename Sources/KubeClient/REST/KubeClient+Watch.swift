import JSONValue

extension KubeClient {
    /// How much longer than its `timeoutSeconds` a watch may take before the client gives up on it.
    static let watchTimeoutMargin: Duration = .seconds(5)

    /// Opens a watch and returns its events as they arrive.
    ///
    /// Watches bypass the client-side rate limiter (as in client-go) and are not retried here: the
    /// informer decides how to resume. A 401 refreshes credentials once.
    ///
    /// - Throws: ``KubeAPIError`` when the server refuses the watch (an expired resource version usually
    ///   arrives later, as an `ERROR` event inside the stream), ``KubeTransportError``.
    public func watch(
        _ resource: GroupVersionResource, namespace: String? = nil, options: WatchOptions = WatchOptions()
    )
        async throws -> WatchStream
    {
        let path = ResourcePath.withQuery(ResourcePath.path(resource, namespace: namespace), options.queryItems)
        // client-go bounds a watch on the client side by its timeoutSeconds too; the margin lets the server
        // end the stream cleanly first. A server that never answers, or stops sending, then times out.
        let request = KubeRequest(
            method: "GET",
            path: path,
            headers: [HTTPField("Accept", "application/json"), HTTPField("User-Agent", configuration.userAgent)],
            timeout: options.timeoutSeconds.map { .seconds($0) + Self.watchTimeoutMargin }
        )
        let clock = ContinuousClock()
        var refreshed = false
        while true {
            let credentials = try await self.credentials.credentials()
            let start = clock.now
            let response: KubeStreamingResponse
            do {
                response = try await transport.stream(request, credentials: credentials)
            } catch let error as KubeTransportError {
                record(
                    RequestMetric(
                        verb: "watch", resource: resource.metricLabel, statusCode: nil,
                        duration: start.duration(to: clock.now), attempt: 0)
                )
                throw error
            }
            record(
                RequestMetric(
                    verb: "watch",
                    resource: resource.metricLabel,
                    statusCode: response.status,
                    duration: start.duration(to: clock.now),
                    attempt: 0
                )
            )
            if (200..<300).contains(response.status) { return WatchStream(body: response.body) }
            var body: [UInt8] = []
            for try await chunk in response.body {
                body += chunk
                if body.count > KubeAPIError.maximumPlainMessageLength * 64 { break }
            }
            if response.status == 401, !refreshed, configuration.authentication.isRefreshable {
                refreshed = true
                await self.credentials.invalidate(credentials)
                continue
            }
            throw KubeAPIError(
                statusCode: response.status,
                body: body,
                retryAfter: response.headers.first { $0.name.lowercased() == "retry-after" }?.value,
                verb: "GET",
                url: path
            )
        }
    }
}
