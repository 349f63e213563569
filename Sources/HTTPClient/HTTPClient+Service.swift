public import ServiceLifecycle

extension HTTPClient: Service {
    /// Runs the client as a `Service` of a `ServiceGroup`: waits until graceful shutdown is triggered (or the task
    /// is cancelled), then calls ``shutdown()``. Put the client before the services that use it, so that the
    /// group stops them first (services stop in reverse order).
    public func run() async {
        await untilGracefulShutdown()
        await self.shutdown()
    }
}

/// Waits until the `ServiceGroup` running this task triggers graceful shutdown, or the task is cancelled:
/// the body of a client's `Service.run()` that owns nothing but a connection pool to close afterwards.
public func untilGracefulShutdown() async {
    do {
        try await gracefulShutdown()
    } catch {
        // Only cancellation ends the wait early; either way the caller stops now.
    }
}
