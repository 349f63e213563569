public import ServiceLifecycle

extension HTTPClient: Service {
    /// Runs the client as a `Service` of a `ServiceGroup`: waits until graceful shutdown is triggered (or the task
    /// is cancelled), then calls ``shutdown()``. Put the client before the services that use it, so that the
    /// group stops them first (services stop in reverse order).
    public func run() async {
        do {
            try await gracefulShutdown()
        } catch {
            // Only cancellation ends the wait early; either way the client stops now.
        }
        await self.shutdown()
    }
}
