import ArgumentParser
import Controller
import Foundation
import KubeClient
import Logging
import PolicyEngine
import PolicyReports

/// `vigil run`'s options resolved against the environment (`VIGIL_*`) and the defaults.
struct RunSettings {
    var kubeconfig: String?
    var context: String?
    var qps: Double
    var burst: Int
    var policyPaths: [String]
    var controller: ReportsController.Configuration
    var leaderElect: Bool
    var leaseNamespace: String?
    var metricsAddress: String
    var healthAddress: String
    var jsonLogs: Bool
    var logLevel: Logger.Level
    /// How long a graceful shutdown may drain in-flight work before it is cancelled.
    var shutdownGracePeriod: Duration

    /// - Throws: `ValidationError` naming the option (or variable) with a bad value.
    init(command: RunCommand, environment: [String: String]) throws {
        func value(_ option: String?, _ variable: String) -> String? {
            if let option { return option }
            if let text = environment[variable], !text.isEmpty { return text }
            return nil
        }
        func number<T: LosslessStringConvertible>(_ option: T?, _ variable: String, default fallback: T) throws -> T {
            if let option { return option }
            guard let text = environment[variable], !text.isEmpty else { return fallback }
            guard let parsed = T(text) else { throw ValidationError("\(variable): not a number: \(text)") }
            return parsed
        }
        kubeconfig = value(command.kubeconfig, "VIGIL_KUBECONFIG")
        context = value(command.context, "VIGIL_CONTEXT")
        qps = try number(command.qps, "VIGIL_QPS", default: 300)
        burst = try number(command.burst, "VIGIL_BURST", default: 300)
        policyPaths =
            command.policies.isEmpty
            ? (environment["VIGIL_POLICIES"].map { $0.split(separator: ",").map(String.init) } ?? []) : command.policies
        let list = { (text: String?) -> Set<String> in
            Set(
                (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                    !$0.isEmpty
                })
        }
        let filters: [Controller.ResourceFilter]
        do {
            filters = try Controller.ResourceFilter.parseList(
                value(command.resourceFilters, "VIGIL_RESOURCE_FILTERS") ?? "")
        } catch {
            throw ValidationError("\(error)")
        }
        let shards = try number(command.shards, "VIGIL_SHARDS", default: 1)
        let shardIndex = try number(command.shardIndex, "VIGIL_SHARD_INDEX", default: 0)
        guard shards >= 1, (0..<shards).contains(shardIndex) else {
            throw ValidationError("--shard-index must be in 0..<--shards (got \(shardIndex) of \(shards))")
        }
        let workers = try number(command.workers, "VIGIL_WORKERS", default: 2)
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        let intervalText = value(command.backgroundScanInterval, "VIGIL_BACKGROUND_SCAN_INTERVAL") ?? "1h"
        // Kyverno's --backgroundScanInterval is a Go duration; parse it with Go's rules.
        guard let parsed = try? GoDuration(parsing: intervalText), parsed.nanoseconds > 0 else {
            throw ValidationError("--background-scan-interval: not a duration (such as 1h, 30m, 90s): \(intervalText)")
        }
        let apiText = value(command.reportApi, "VIGIL_REPORT_API") ?? "wgpolicyk8s"
        guard let api = ReportAPI(rawValue: apiText) else {
            throw ValidationError("--report-api must be wgpolicyk8s or openreports, not \(apiText)")
        }
        let interval = Duration.nanoseconds(parsed.nanoseconds)
        let graceText = value(command.shutdownGracePeriod, "VIGIL_SHUTDOWN_GRACE_PERIOD") ?? "10s"
        guard let grace = try? GoDuration(parsing: graceText), grace.nanoseconds > 0 else {
            throw ValidationError("--shutdown-grace-period: not a positive duration (such as 10s): \(graceText)")
        }
        shutdownGracePeriod = .nanoseconds(grace.nanoseconds)
        controller = ReportsController.Configuration(
            scope: ScanScope(
                namespaces: list(value(command.namespaces, "VIGIL_NAMESPACES")),
                excludedNamespaces: list(value(command.excludeNamespaces, "VIGIL_EXCLUDE_NAMESPACES")),
                filters: filters, shards: shards, shardIndex: shardIndex),
            workers: workers, backgroundScanInterval: interval, reportAPI: api,
            reportSource: value(command.reportSource, "VIGIL_REPORT_SOURCE") ?? "kyverno")
        if let flag = command.leaderElect {
            leaderElect = flag
        } else if let text = environment["VIGIL_LEADER_ELECT"], !text.isEmpty {
            guard let parsed = Bool(text.lowercased()) else { throw ValidationError("VIGIL_LEADER_ELECT: \(text)") }
            leaderElect = parsed
        } else {
            leaderElect = environment["KUBERNETES_SERVICE_HOST"] != nil
        }
        /// A flag set on the command line, else its variable (`true`/`false`), else off.
        func flag(_ flag: Bool, _ variable: String) throws -> Bool {
            guard !flag, let text = environment[variable], !text.isEmpty else { return flag }
            guard let parsed = Bool(text.lowercased()) else { throw ValidationError("\(variable): \(text)") }
            return parsed
        }
        controller.ignoreSkipsImageLookupErrors = try !flag(
            command.ignoreKeepsImageErrors, "VIGIL_IGNORE_KEEPS_IMAGE_ERRORS")
        controller.policyExceptions = PolicyExceptionSettings(
            enabled: try flag(command.enablePolicyException, "VIGIL_ENABLE_POLICY_EXCEPTION"),
            namespace: value(command.exceptionNamespace, "VIGIL_EXCEPTION_NAMESPACE") ?? "")
        if controller.policyExceptions.enabled && controller.policyExceptions.namespace.isEmpty {
            throw ValidationError(
                "--enable-policy-exception needs --exception-namespace (the namespace of the exceptions, or * for all)")
        }
        leaseNamespace = value(command.leaseNamespace, "VIGIL_LEASE_NAMESPACE")
        metricsAddress = value(command.metricsAddress, "VIGIL_METRICS_ADDRESS") ?? ":8000"
        healthAddress = value(command.healthAddress, "VIGIL_HEALTH_ADDRESS") ?? ":8081"
        let format = value(command.logFormat, "VIGIL_LOG_FORMAT") ?? "text"
        guard format == "json" || format == "text" else { throw ValidationError("--log-format must be json or text") }
        jsonLogs = format == "json"
        let levelText = value(command.logLevel, "VIGIL_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("--log-level: unknown level \(levelText)")
        }
        logLevel = level
    }
}
