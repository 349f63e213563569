import HTTPClient
public import ServiceLifecycle

extension CurlKubeTransport: Service {
    /// Runs the transport as a `Service`: waits for graceful shutdown, then stops the curl thread. Put it
    /// before the services that use it, so the group stops them first.
    public func run() async {
        await untilGracefulShutdown()
        await shutdown()
    }
}
