import ArgumentParser
import Controller
import ExternalData
import Foundation
import JSONValue
import KubeClient
import LocalAPIServer
import Logging
import OCIRegistry
import PolicyEngine
import PolicyReports
import ServiceLifecycle
import UnixSignals
import YAML

/// `vigil demo`: the whole product on a laptop with no cluster.
///
/// Starts the embedded API server, loads the report CRDs from `manifests/crds` (and `manifests/samples/crds`:
/// Kyverno's GlobalContextEntry), the sample policies from `manifests/samples/policies` and the sample
/// workloads from `manifests/samples/workloads`, starts a throw-away `docker-registry` for the image checks
/// when one is installed and a JSON catalog service (``DemoService``) for the service calls, runs the
/// reports controller
/// until the first scan has settled, and prints the reports as `kubectl get policyreport -A` does, then the
/// failing results with their messages. `--keep-running` leaves everything up with a kubeconfig for
/// `kubectl`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the controller against an embedded API server with sample policies and workloads.",
        discussion: """
            Workloads may name the demo registry as DEMO_REGISTRY in image references; it is replaced by the \
            address of the docker-registry the demo starts (or of a closed port when none is installed). \
            Policies may name the demo's JSON catalog service as DEMO_SERVICE in service URLs.
            """
    )

    @Option(help: "The manifests folder (CRDs and samples).")
    var manifests = "manifests"

    @Option(help: "Seconds to wait for the reports to settle.")
    var timeout = 120

    @Flag(help: "Keep the API server and the controller running after the reports settle (until SIGTERM).")
    var keepRunning = false

    @Option(help: "Where the kubeconfig for kubectl is written with --keep-running.")
    var kubeconfigOut: String?

    @Option(help: "Where the API server listens, host:port (port 0 picks a free one).")
    var address = "127.0.0.1:0"

    @Option(help: "Log level of the embedded components (trace, debug, info, notice, warning, error).")
    var logLevel = "warning"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        let folder = URL(fileURLWithPath: manifests)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw ValidationError(
                "no manifests folder at \(folder.path) (run from the repository, or pass --manifests)")
        }
        let (host, port) = try APIServerCommand.splitAddress(address)
        let token = "vigil-demo-" + UUID().uuidString.lowercased()
        var serverLogger = Logger(label: "vigil.api-server")
        serverLogger.logLevel = level
        let server = try LocalAPIServer(
            configuration: .init(host: host, port: port, tokens: [token]), logger: serverLogger)
        try await server.start()
        let registry = await DemoRegistry.start()
        do {
            try await demo(server: server, token: token, folder: folder, registry: registry, level: level)
        } catch {
            await registry.stop()
            await server.stop()
            throw error
        }
        await registry.stop()
        await server.stop()
    }

    private func demo(
        server: LocalAPIServer, token: String, folder: URL, registry: DemoRegistry, level: Logger.Level
    ) async throws {
        var crdFolders = [folder.appendingPathComponent("crds").path]
        let sampleCRDs = folder.appendingPathComponent("samples/crds").path
        if FileManager.default.fileExists(atPath: sampleCRDs) { crdFolders.append(sampleCRDs) }
        let crds = try server.load(paths: crdFolders)
        let service = try await DemoService.start(allowedImages: ["registry.k8s.io/*", registry.address + "/*"])
        defer { Task { await service.stop() } }
        let replacements = ["DEMO_REGISTRY": registry.address, "DEMO_SERVICE": service.baseURL]
        let workloads = try Self.documents(in: folder.appendingPathComponent("samples/workloads"), replacements)
        let loaded = try server.load(workloads)
        let policies = try Self.documents(in: folder.appendingPathComponent("samples/policies"), replacements)
        print("API server on port \(server.port ?? 0): \(crds) CRDs, \(loaded) workloads, \(policies.count) policies")
        print("image registry: \(registry.summary)")
        print("catalog service (apiCall.service): \(service.baseURL)/v1/allowed-images")

        let directory = NSTemporaryDirectory() + "vigil-demo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let kubeconfigPath = kubeconfigOut ?? directory + "/kubeconfig"
        try server.writeKubeconfig(to: kubeconfigPath, token: token)
        let clientConfiguration = try ClientConfiguration.load(kubeconfig: kubeconfigPath, environment: [:])
        defer { if kubeconfigOut == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var logger = Logger(label: "vigil")
        logger.logLevel = level
        var configuration = ReportsController.Configuration(policyDocuments: policies, watchesClusterPolicies: false)
        configuration.workers = 4
        let assembly = try ControllerAssembly(
            clientConfiguration: clientConfiguration, configuration: configuration,
            registry: try DemoImages.client(registry: registry), serviceCalls: try ServiceCallClient(), logger: logger)
        let (client, controller) = (assembly.client, assembly.controller)
        let group = ServiceGroup(
            configuration: .init(
                services: assembly.services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let settled = await Self.waitUntilSettled(controller.status, seconds: timeout)
        if settled {
            try await DemoOutput.printReports(client: client)
        } else {
            print("the reports did not settle within \(timeout) s; showing what is written so far")
            try await DemoOutput.printReports(client: client)
        }
        if keepRunning {
            print("")
            print("The API server and the controller keep running; in another shell:")
            print("  kubectl --kubeconfig \(kubeconfigPath) get policyreport -A")
            print("Stop with Ctrl-C (SIGINT) or SIGTERM.")
            _ = try? await running.value
        } else {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
        }
        if !settled { throw ExitCode(1) }
    }

    /// Waits for the first full scan, giving up after `seconds`.
    static func waitUntilSettled(_ status: ControllerStatus, seconds: Int) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await status.waitUntilSettled() }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// The documents of the YAML files in `folder`, with each placeholder of `replacements` (`DEMO_REGISTRY`,
    /// `DEMO_SERVICE`) replaced by its value.
    static func documents(in folder: URL, _ replacements: [String: String]) throws -> [JSONValue] {
        var documents: [JSONValue] = []
        for path in try ManifestFiles.files(at: folder.path) {
            var text = try String(contentsOfFile: path, encoding: .utf8)
            for (placeholder, value) in replacements {
                text = text.replacingOccurrences(of: placeholder, with: value)
            }
            do {
                documents += try YAML.load(text).filter { $0 != .null }
            } catch {
                throw ValidationError("\(path): \(error)")
            }
        }
        // Namespaces first, so the namespaced objects find theirs.
        return documents.filter { $0["kind"] == "Namespace" } + documents.filter { $0["kind"] != "Namespace" }
    }
}
