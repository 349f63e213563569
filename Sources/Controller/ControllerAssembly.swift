public import ExternalData
public import KubeClient
public import Logging
public import Metrics
public import OCIRegistry
public import ServiceLifecycle

/// One controller and everything it uses, put together in one place for `vigil run`, `vigil demo`, the scan
/// benchmark and the tests: the Kubernetes client over its libcurl transport, image lookups through the
/// registry client, the service-call client, and the ``ReportsController``.
///
/// ``services`` lists them for one `ServiceGroup` with the clients first: the group stops services in
/// reverse order, so the controller drains its in-flight work before the clients it uses are shut down,
/// and nothing is shut down by hand.
public struct ControllerAssembly: Sendable {
    public let transport: CurlKubeTransport
    public let client: KubeClient
    public let registry: RegistryClient?
    public let serviceCalls: ServiceCallClient?
    public let controller: ReportsController

    /// - Parameters:
    ///   - clientConfiguration: where and who (QPS and burst included).
    ///   - configuration: what the controller scans and how.
    ///   - registry: the registry client for image lookups; `nil` makes every lookup `unavailable`.
    ///   - serviceCalls: the `apiCall.service` client; `nil` leaves service calls unconfigured.
    ///   - metricsFactory: where the client records its request metrics.
    ///   - requestHook: also called after every API request (benchmarks count them).
    ///   - retryPolicy: when the client retries.
    ///   - logger: the controller's logger; the client logs under `vigil.k8s` at the same level.
    /// - Throws: `KubeTransportError` when the transport cannot start.
    public init(
        clientConfiguration: ClientConfiguration, configuration: ReportsController.Configuration,
        registry: RegistryClient? = nil, serviceCalls: ServiceCallClient? = nil,
        metricsFactory: any MetricsFactory = MetricsSystem.factory, requestHook: RequestMetricsHook? = nil,
        retryPolicy: RetryPolicy = .default, logger: Logger
    ) throws {
        let transport = try CurlKubeTransport(configuration: clientConfiguration)
        var clientLogger = Logger(label: "vigil.k8s")
        clientLogger.logLevel = logger.logLevel
        let client = KubeClient(
            configuration: clientConfiguration, transport: transport, retryPolicy: retryPolicy,
            metricsFactory: metricsFactory, metrics: requestHook, logger: clientLogger)
        self.transport = transport
        self.client = client
        self.registry = registry
        self.serviceCalls = serviceCalls
        var images: any ImageDataSource = UnavailableImageDataSource()
        if let registry {
            images = RegistryImageDataSource(
                client: registry, kube: client, secretNamespace: clientConfiguration.namespace)
        }
        controller = ReportsController(
            client: client, configuration: configuration, images: images, services: serviceCalls, logger: logger)
    }

    /// The clients, then the controller, for one `ServiceGroup`; more services (the metrics and health
    /// server) go after them.
    public var services: [any Service] {
        var services: [any Service] = [transport]
        if let registry { services.append(registry) }
        if let serviceCalls { services.append(serviceCalls) }
        services.append(controller)
        return services
    }

    /// Runs ``services`` in a group of their own (no signal handling) until the controller stops (``ReportsController/beginShutdown()``
    /// or graceful shutdown of the group); then the clients are shut down in turn. Cancelling the task
    /// cancels everything.
    public func run(logger: Logger) async throws {
        let configurations = services.map { service in
            // The controller returning is the normal end: the clients then shut down gracefully.
            service is ReportsController
                ? ServiceGroupConfiguration.ServiceConfiguration(
                    service: service, successTerminationBehavior: .gracefullyShutdownGroup)
                : ServiceGroupConfiguration.ServiceConfiguration(service: service)
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: configurations, logger: logger))
        try await group.run()
    }
}
