import Controller
import ExternalData
import Foundation
import JSONValue
import KubeClient
import Logging
import PolicyEngine
import Synchronization
import YAML

/// `vigil-bench scan`: a full background scan of N Pods plus Deployments with 20+ corpus policies. The API
/// server runs as a separate `vigil api-server` process, so the peak RSS measured is the controller's own.
///
/// With `--external-data` (and `--gce-crds DIR`, the GlobalContextEntry CRD), the ``ExternalDataScenario``
/// adds a GlobalContextEntry policy over the Deployments and a service-call policy over the Pods.
///
/// Usage: `vigil-bench scan --vigil PATH --corpus DIR --crds DIR [--pods N] [--workers N] [--external-data
/// --gce-crds DIR]`; with `--kubeconfig PATH` it scans that API server instead (which must hold the CRDs and
/// the workloads that `--objects-out PATH` writes; not with `--external-data`).
enum ScanBench {
    static let policyFiles = [
        "pod-security/baseline/disallow-host-namespaces/disallow-host-namespaces.yaml",
        "pod-security/baseline/disallow-host-path/disallow-host-path.yaml",
        "pod-security/baseline/disallow-host-ports/disallow-host-ports.yaml",
        "pod-security/baseline/disallow-host-process/disallow-host-process.yaml",
        "pod-security/baseline/disallow-privileged-containers/disallow-privileged-containers.yaml",
        "pod-security/baseline/disallow-proc-mount/disallow-proc-mount.yaml",
        "pod-security/baseline/restrict-seccomp/restrict-seccomp.yaml",
        "pod-security/baseline/restrict-sysctls/restrict-sysctls.yaml",
        "pod-security/restricted/disallow-capabilities-strict/disallow-capabilities-strict.yaml",
        "pod-security/restricted/disallow-privilege-escalation/disallow-privilege-escalation.yaml",
        "pod-security/restricted/require-run-as-non-root-user/require-run-as-non-root-user.yaml",
        "pod-security/restricted/require-run-as-nonroot/require-run-as-nonroot.yaml",
        "pod-security/restricted/restrict-seccomp-strict/restrict-seccomp-strict.yaml",
        "best-practices/require-labels/require-labels.yaml",
        "best-practices/require-pod-requests-limits/require-pod-requests-limits.yaml",
        "best-practices/require-probes/require-probes.yaml",
        "best-practices/require-drop-all/require-drop-all.yaml",
        "best-practices/disallow-helm-tiller/disallow-helm-tiller.yaml",
        "other/prevent-bare-pods/prevent-bare-pods.yaml",
        "other/require-pod-priorityclassname/require-pod-priorityclassname.yaml",
        "other/memory-requests-equal-limits/memory-requests-equal-limits.yaml",
        "other/require-qos-burstable/require-qos-burstable.yaml",
        "other/restrict-automount-sa-token/restrict-automount-sa-token.yaml",
        "other/block-ephemeral-containers/block-ephemeral-containers.yaml",
    ]

    static func run(_ arguments: [String]) async throws -> Int32 {
        let options = BenchArguments(arguments)
        guard let vigil = options.string("--vigil"), let corpus = options.string("--corpus"),
            let crds = options.string("--crds")
        else {
            FileHandle.standardError.write(
                Data("usage: vigil-bench scan --vigil PATH --corpus DIR --crds DIR [--pods N]\n".utf8))
            return 2
        }
        let podCount = options.int("--pods", 10_000)
        let deploymentCount = max(1, podCount / 10)
        let workers = options.int("--workers", 2)
        let external = options.arguments.contains("--external-data") ? try ExternalDataScenario() : nil

        let directory = NSTemporaryDirectory() + "vigil-bench-scan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        if let objectsOut = options.string("--objects-out") {
            // The workloads only, for loading them into another API server (`scripts/bench-scan --real`).
            try Data(workloads(pods: podCount, deployments: deploymentCount).serializedBytes()).write(
                to: URL(fileURLWithPath: objectsOut))
            return 0
        }
        let kubeconfig: String
        let server: Process?
        if let existing = options.string("--kubeconfig") {
            guard external == nil else {
                FileHandle.standardError.write(Data("--external-data runs against vigil api-server only\n".utf8))
                return 2
            }
            // An API server that already holds the report CRDs and the workloads (a real kube-apiserver).
            kubeconfig = existing
            server = nil
        } else {
            let objectsPath = directory + "/objects.json"
            try Data(workloads(pods: podCount, deployments: deploymentCount).serializedBytes()).write(
                to: URL(fileURLWithPath: objectsPath))
            kubeconfig = directory + "/kubeconfig"
            var loads = [crds, objectsPath]
            if external != nil {
                let entryPath = directory + "/entry.json"
                try Data(ExternalDataScenario.entry.serializedBytes()).write(to: URL(fileURLWithPath: entryPath))
                loads += [options.string("--gce-crds") ?? "manifests/samples/crds", entryPath]
            }
            guard let started = try await startServer(vigil: vigil, loads: loads, kubeconfig: kubeconfig)
            else { return 1 }
            server = started
        }
        defer { if let server, server.isRunning { server.terminate() } }

        var policies: [JSONValue] = []
        for file in policyFiles {
            let text = try String(contentsOfFile: corpus + "/" + file, encoding: .utf8)
            policies += try YAML.load(text).filter { PolicyDecoder.isPolicyDocument($0) }
        }
        policies += external?.policies() ?? []
        var configuration = try ClientConfiguration.load(kubeconfig: kubeconfig, environment: [:])
        configuration.qps = 300
        configuration.burst = 300
        let requests = Mutex<[String: Int]>([:])
        var logger = Logger(label: "vigil.bench")
        logger.logLevel = .error
        let assembly = try ControllerAssembly(
            clientConfiguration: configuration,
            configuration: ReportsController.Configuration(
                workers: workers, policyDocuments: policies, watchesClusterPolicies: false),
            serviceCalls: external?.client,
            requestHook: { metric in requests.withLock { $0[metric.verb, default: 0] += 1 } }, logger: logger)
        let (client, controller) = (assembly.client, assembly.controller)
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await assembly.run(logger: logger) }
        await controller.status.waitUntilSettled()
        let converge = start.duration(to: clock.now)
        let firstWrites = controller.statistics.reportWrites
        let requestsAfterScan = requests.withLock { $0 }
        try await controller.resync()
        let secondWrites = controller.statistics.reportWrites
        let externalResults = external == nil ? "" : try await ExternalDataScenario.results(client: client)
        let globalContextStatistics = controller.globalContextStatistics
        controller.beginShutdown()
        try await task.value
        let serviceRequests = external?.serviceRequests() ?? 0
        let serviceStatistics = await external?.client.statistics
        await external?.stop()
        server?.terminate()
        server?.waitUntilExit()

        let ready = controller.policies.entries.values.filter { $0.state == .ready }.count
        let written = firstWrites.filter { $0.key != .skippedUnchanged }.values.reduce(0, +)
        let resyncWrites = secondWrites.filter { $0.key != .skippedUnchanged }.values.reduce(0, +) - written
        let apiRequests = requestsAfterScan.values.reduce(0, +)
        let seconds = Double(converge.components.seconds) + Double(converge.components.attoseconds) / 1e18
        let peak = ProcessMemory.peakResidentMegabytes
        print(
            "objects: \(podCount) pods, \(deploymentCount) deployments; policies: \(policies.count) loaded, \(ready) ready"
        )
        for (state, count) in Dictionary(grouping: controller.policies.entries.values, by: \.state).mapValues(\.count)
            .sorted(by: { $0.key.rawValue < $1.key.rawValue })
        {
            print("  policies \(state.rawValue): \(count)")
        }
        print("converged in \(String(format: "%.2f", seconds)) s; peak RSS \(String(format: "%.1f", peak)) MB")
        print(
            "API requests during the scan by verb: \(requestsAfterScan.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
        )
        print(
            "report writes: \(firstWrites.sorted(by: { $0.key.rawValue < $1.key.rawValue }).map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))"
        )
        print(
            "second resync: writes=\(resyncWrites) skipped=\(secondWrites[.skippedUnchanged, default: 0] - firstWrites[.skippedUnchanged, default: 0])"
        )
        if let serviceStatistics {
            let (calls, lists) = globalContextStatistics
            print("external data results: \(externalResults)")
            print(
                "external data: service requests=\(serviceRequests) (client: sent=\(serviceStatistics.requests) "
                    + "cached=\(serviceStatistics.cached) coalesced=\(serviceStatistics.coalesced) "
                    + "breaker=\(serviceStatistics.breaker)); global context entry lists=\(lists) calls=\(calls)")
        }
        let externalSummary =
            external == nil
            ? "" : " service_requests=\(serviceRequests) gce_lists=\(globalContextStatistics.lists)"
        print(
            "pods=\(podCount) deployments=\(deploymentCount) policies=\(ready) converge_s=\(String(format: "%.2f", seconds)) "
                + "peak_rss_mb=\(String(format: "%.1f", peak)) api_requests=\(apiRequests) "
                + "report_writes=\(written) resync_writes=\(resyncWrites)" + externalSummary)
        return resyncWrites == 0 ? 0 : 1
    }

    /// Namespaces, Pods (a mix of compliant and non-compliant) and Deployments as one `List`.
    /// Starts `vigil api-server` with the CRDs and objects and waits for its kubeconfig; nil when it exits.
    static func startServer(vigil: String, loads: [String], kubeconfig: String) async throws -> Process? {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: vigil)
        server.arguments =
            ["api-server", "--address", "127.0.0.1:0", "--kubeconfig-out", kubeconfig]
            + loads.flatMap { ["--load", $0] }
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        while !FileManager.default.fileExists(atPath: kubeconfig) {
            guard server.isRunning else {
                FileHandle.standardError.write(Data("vigil api-server exited\n".utf8))
                return nil
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))
        return server
    }

    static func workloads(pods: Int, deployments: Int) -> JSONValue {
        var items: [JSONValue] = []
        let namespaces = 20
        for index in 0..<namespaces {
            items.append(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string("ns-\(index)")]])
        }
        for index in 0..<pods {
            var metadata: JSONObject = [
                "name": .string("pod-\(index)"), "namespace": .string("ns-\(index % namespaces)"),
            ]
            if index % 2 == 0 { metadata["labels"] = ["app.kubernetes.io/name": .string("app-\(index % 50)")] }
            items.append(["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": podSpec(index)])
        }
        for index in 0..<deployments {
            items.append([
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": .string("deploy-\(index)"), "namespace": .string("ns-\(index % namespaces)")],
                "spec": [
                    "replicas": 1, "selector": ["matchLabels": ["app": .string("d\(index)")]],
                    "template": ["metadata": ["labels": ["app": .string("d\(index)")]], "spec": podSpec(index)],
                ],
            ])
        }
        return ["apiVersion": "v1", "kind": "List", "items": .array(items)]
    }

    static func podSpec(_ index: Int) -> JSONValue {
        var container: JSONObject = [
            "name": "app", "image": .string("registry.example/app-\(index % 50):1.\(index % 7)"),
        ]
        if index % 3 == 0 {
            container["resources"] = ["requests": ["memory": "64Mi", "cpu": "100m"], "limits": ["memory": "64Mi"]]
        }
        if index % 4 == 0 {
            container["securityContext"] = [
                "allowPrivilegeEscalation": false, "runAsNonRoot": true, "capabilities": ["drop": ["ALL"]],
            ]
        }
        if index % 5 == 0 { container["livenessProbe"] = ["httpGet": ["path": "/", "port": 8080]] }
        var spec: JSONObject = ["containers": [.object(container)]]
        if index % 97 == 0 { spec["hostNetwork"] = true }
        return .object(spec)
    }
}
