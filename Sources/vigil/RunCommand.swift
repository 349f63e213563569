import ArgumentParser
import Controller
import ExternalData
import Foundation
import JSONValue
import KubeClient
import Logging
import OCIRegistry
import Observability
import PolicyReports
import ServiceLifecycle
import UnixSignals

/// `vigil run`: the background reports controller.
///
/// Every option falls back to an environment variable (`VIGIL_` and the option name in upper snake case,
/// such as `VIGIL_WORKERS`), then to its default, so a Deployment can configure it either way.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the background reports controller against a cluster.",
        discussion: """
            Watches Kyverno ClusterPolicy and Policy objects (and policies from --policies), lists and watches \
            the kinds their background validate rules match, and writes one PolicyReport per resource (one \
            ClusterPolicyReport per cluster-scoped resource), only when its content changed. Runs until SIGTERM \
            or SIGINT: in-flight evaluations and report writes finish and the leader Lease is released. Each option can also be \
            set through the environment variable named in its help. A second SIGTERM or SIGINT, or the end of \
            --shutdown-grace-period, cancels the work still in flight; either way the exit status is 0.
            """
    )

    @Option(
        help:
            "Path to the kubeconfig file (default: KUBECONFIG, in-cluster, then ~/.kube/config). Env: VIGIL_KUBECONFIG."
    )
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use. Env: VIGIL_CONTEXT.")
    var context: String?

    @Option(help: "Client-side requests per second to the API server (default 300). Env: VIGIL_QPS.")
    var qps: Double?

    @Option(help: "Client-side request burst (default 300). Env: VIGIL_BURST.")
    var burst: Int?

    @Option(help: "A file or directory of policies to evaluate in addition to the cluster's. Env: VIGIL_POLICIES.")
    var policies: [String] = []

    @Option(help: "Only scan these namespaces (comma-separated; default all). Env: VIGIL_NAMESPACES.")
    var namespaces: String?

    @Option(help: "Never scan these namespaces (comma-separated). Env: VIGIL_EXCLUDE_NAMESPACES.")
    var excludeNamespaces: String?

    @Option(
        help: "Kyverno resource filters, such as '[Event,*,*][*/*,kube-system,*]'. Env: VIGIL_RESOURCE_FILTERS.")
    var resourceFilters: String?

    @Option(help: "Concurrent evaluation workers (default 2). Env: VIGIL_WORKERS.")
    var workers: Int?

    @Option(help: "Time between full resyncs, such as 1h or 30m (default 1h). Env: VIGIL_BACKGROUND_SCAN_INTERVAL.")
    var backgroundScanInterval: String?

    @Option(help: "Report resources: wgpolicyk8s (PolicyReport) or openreports (Report). Env: VIGIL_REPORT_API.")
    var reportApi: String?

    @Option(help: "The source field of every result (default kyverno). Env: VIGIL_REPORT_SOURCE.")
    var reportSource: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Elect a leader through a Lease; only the leader writes (default: on in a cluster). Env: VIGIL_LEADER_ELECT."
    )
    var leaderElect: Bool?

    @Option(help: "The namespace of the leader Lease (default: the client's namespace). Env: VIGIL_LEASE_NAMESPACE.")
    var leaseNamespace: String?

    @Option(help: "Split resources across this many replicas by UID hash (default 1). Env: VIGIL_SHARDS.")
    var shards: Int?

    @Option(help: "This replica's shard, 0..<shards. Env: VIGIL_SHARD_INDEX.")
    var shardIndex: Int?

    @Option(help: "Where to serve /metrics, host:port (default :8000). Env: VIGIL_METRICS_ADDRESS.")
    var metricsAddress: String?

    @Option(help: "Where to serve /healthz and /readyz, host:port (default :8081). Env: VIGIL_HEALTH_ADDRESS.")
    var healthAddress: String?

    @Option(
        help: """
            How long SIGTERM may take to finish in-flight work before it is cancelled, such as 10s (default 10s; \
            keep it under the pod's terminationGracePeriodSeconds). Env: VIGIL_SHUTDOWN_GRACE_PERIOD.
            """)
    var shutdownGracePeriod: String?

    @Option(help: "Log format: json or text (default text). Env: VIGIL_LOG_FORMAT.")
    var logFormat: String?

    @Option(
        help: "Log level: trace, debug, info, notice, warning, error, critical (default info). Env: VIGIL_LOG_LEVEL.")
    var logLevel: String?

    @OptionGroup(title: "Image registries")
    var registryOptions: RegistryClientOptions

    @OptionGroup(title: "Service calls (apiCall.service and GlobalContextEntry apiCall)")
    var serviceCallOptions: ServiceCallClientOptions

    @Flag(
        help: """
            With failurePolicy: Ignore, keep a failed image lookup as an error result, as Kyverno's own background \
            scan does (default: skip, as Kyverno documents). Env: VIGIL_IGNORE_KEEPS_IMAGE_ERRORS=true.
            """)
    var ignoreKeepsImageErrors = false

    @Flag(
        help: """
            Apply kyverno.io PolicyExceptions (Kyverno's --enablePolicyException; default off, as Kyverno). Needs \
            --exception-namespace. Env: VIGIL_ENABLE_POLICY_EXCEPTION=true.
            """)
    var enablePolicyException = false

    @Option(
        help: """
            The namespace whose PolicyExceptions apply, * for all (Kyverno's --exceptionNamespace). CEL \
            (policies.kyverno.io) exceptions apply from every namespace unless this is set. \
            Env: VIGIL_EXCEPTION_NAMESPACE.
            """)
    var exceptionNamespace: String?

    func run() async throws {
        // Trapped first: a SIGTERM while starting up shuts down gracefully instead of killing the process.
        let signals = await ShutdownSignals.trap()
        let environment = ProcessInfo.processInfo.environment
        let settings = try RunSettings(command: self, environment: environment)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                settings.jsonLogs ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "vigil")
        var clientConfiguration = try ClientConfiguration.load(
            kubeconfig: settings.kubeconfig, context: settings.context, environment: environment)
        clientConfiguration.qps = settings.qps
        clientConfiguration.burst = settings.burst
        let metrics = VigilMetrics.bootstrap(version: VersionInfo.version, logger: logger)
        var controllerConfiguration = settings.controller
        if settings.leaderElect {
            let leaseName =
                settings.controller.scope.shards > 1
                ? "vigil-reports-controller-shard-\(settings.controller.scope.shardIndex)" : "vigil-reports-controller"
            controllerConfiguration.leaderElection = LeaderElector.Configuration(
                namespace: settings.leaseNamespace ?? clientConfiguration.namespace, name: leaseName,
                identity: Self.identity(environment))
        }
        controllerConfiguration.policyDocuments = try ManifestFiles.documents(settings.policyPaths)
        let assembly = try ControllerAssembly(
            clientConfiguration: clientConfiguration, configuration: controllerConfiguration,
            registry: try registryOptions.makeClient(environment: environment),
            serviceCalls: try serviceCallOptions.makeClient(environment: environment), metricsFactory: metrics,
            logger: logger)
        let services =
            assembly.services
            + (try observabilityServices(
                metricsAddress: settings.metricsAddress, healthAddress: settings.healthAddress, metrics: metrics,
                status: assembly.controller.status, logger: logger))
        logger.info(
            "starting",
            metadata: [
                "server": "\(clientConfiguration.server)", "workers": "\(controllerConfiguration.workers)",
                "leader_elect": "\(settings.leaderElect)",
                "report_api": "\(controllerConfiguration.reportAPI.rawValue)",
            ])
        // The signals are ShutdownSignals': SIGTERM drains, a second one cancels (the group's own signal
        // handling cannot give one signal both meanings). The clients come first in the group, so they shut
        // down after the controller has drained.
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger)
        // In-flight writes finish well within this; a stuck request (a registry that never answers) must not
        // keep the pod terminating until the kubelet's SIGKILL.
        groupConfiguration.maximumGracefulShutdownDuration = settings.shutdownGracePeriod
        try await signals.run(ServiceGroup(configuration: groupConfiguration), logger: logger)
    }

    /// The server of `/metrics` on `metricsAddress` and of `/healthz` + `/readyz` on `healthAddress`, with
    /// readiness following the controller's status: leadership known, and informers synced on the leader (a
    /// follower is ready as a standby).
    func observabilityServices(
        metricsAddress: String, healthAddress: String, metrics: VigilMetricsFactory, status: ControllerStatus,
        logger: Logger
    ) throws -> [any Service] {
        let health = HealthState()
        status.observe { status in
            health.setLeadershipKnown(status.leadership != .unknown, holder: status.leadership.rawValue)
            switch status.leadership {
            case .follower: health.setCheck(HealthState.informersSyncedCheck, passing: true, message: "standby")
            case .leader, .unknown: health.setInformersSynced(status.informersSynced)
            }
        }
        let configuration = ObservabilityServer.Configuration(
            metricsAddress: try ListenAddress.parseFlag(metricsAddress),
            healthAddress: try ListenAddress.parseFlag(healthAddress))
        return [ObservabilityServer(configuration: configuration, metrics: metrics, health: health, logger: logger)]
    }

    /// The leader election identity: the pod name when the Downward API provides it, else host and PID.
    static func identity(_ environment: [String: String]) -> String {
        if let pod = environment["POD_NAME"], !pod.isEmpty { return pod }
        return "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
