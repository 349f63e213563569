import HTTPClient
public import ServiceLifecycle

extension ServiceCallClient: Service {
    /// Runs the client as a `Service`: waits for graceful shutdown, then closes its connections. Put it
    /// before the services that call services, so the group stops them first.
    public func run() async {
        await untilGracefulShutdown()
        await shutdown()
    }
}
