import Foundation
import JSONValue
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `vigil kube get` and `vigil kube watch` against `vigil api-server`, both as real processes.
@Suite("vigil kube against vigil api-server", .serialized, .timeLimit(.minutes(2)))
struct KubeCommandTests {
    /// A running `vigil api-server` with two namespaces, two Pods and a ConfigMap loaded.
    final class APIServer: Sendable {
        let process: Process
        let directory: String
        var kubeconfig: String { directory + "/kubeconfig" }

        init() async throws {
            directory = NSTemporaryDirectory() + "vigil-kube-cli-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let manifest: JSONValue = [
                "kind": "List", "apiVersion": "v1",
                "items": [
                    ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team-a"]],
                    ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team-b"]],
                    Self.pod("web", "team-a"), Self.pod("db", "team-b"),
                    [
                        "apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": ["name": "settings", "namespace": "team-a"],
                        "data": ["mode": "strict"],
                    ],
                ],
            ]
            try Data(manifest.serializedBytes()).write(to: URL(fileURLWithPath: directory + "/objects.json"))
            process = Process()
            process.executableURL = VigilProcess.executableURL
            process.arguments = [
                "api-server", "--address", "127.0.0.1:0", "--token", "cli-token", "--kubeconfig-out",
                directory + "/kubeconfig", "--load", directory + "/objects.json",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = Pipe()
            try process.run()
            let deadline = ContinuousClock.now + .seconds(30)
            while !FileManager.default.fileExists(atPath: directory + "/kubeconfig") {
                guard ContinuousClock.now < deadline, process.isRunning else { throw CocoaError(.fileNoSuchFile) }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        static func pod(_ name: String, _ namespace: String) -> JSONValue {
            [
                "apiVersion": "v1", "kind": "Pod",
                "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["app": .string(name)]],
                "spec": ["containers": [["name": "c", "image": "busybox"]]],
            ]
        }

        func stop() {
            // SIGKILL: the test runner's blocked signal mask is inherited, so SIGTERM may never arrive.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func vigil(_ arguments: String...) throws -> VigilProcess.Output {
            try VigilProcess.run(["kube"] + arguments + ["--kubeconfig", kubeconfig])
        }
    }

    static func withAPIServer(_ body: (APIServer) async throws -> Void) async throws {
        let server = try await APIServer()
        defer { server.stop() }
        try await body(server)
    }

    static func names(_ list: JSONValue) -> [String] {
        (list["items"]?.arrayValue ?? []).compactMap {
            guard let name = $0[path: "metadata", "name"]?.stringValue else { return nil }
            return "\($0[path: "metadata", "namespace"]?.stringValue ?? "")/\(name)"
        }
    }

    @Test func getListsOneNamespaceOrAllAsJSON() async throws {
        try await Self.withAPIServer { server in
            let all = try server.vigil("get", "pods", "-A", "-o", "json")
            #expect(all.status == 0, "\(all.stderr)")
            let list = try JSONValue.parse(all.stdout)
            #expect(list["kind"] == "List")
            #expect(Set(Self.names(list)) == ["team-a/web", "team-b/db"])
            #expect(list["items"]?.arrayValue?.allSatisfy { $0["kind"] == "Pod" && $0["apiVersion"] == "v1" } == true)

            let one = try server.vigil("get", "po", "-n", "team-b", "-o", "json")
            #expect(Self.names(try JSONValue.parse(one.stdout)) == ["team-b/db"])

            let selected = try server.vigil("get", "pods", "-A", "-l", "app=web", "-o", "json")
            #expect(Self.names(try JSONValue.parse(selected.stdout)) == ["team-a/web"])

            let table = try server.vigil("get", "pods", "-A")
            #expect(
                table.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) } == [
                    ["NAMESPACE", "NAME"], ["team-a", "web"], ["team-b", "db"],
                ])
        }
    }

    @Test func getPrintsYAMLAndSingleObjects() async throws {
        try await Self.withAPIServer { server in
            let yaml = try server.vigil("get", "configmaps", "-n", "team-a", "-o", "yaml")
            #expect(yaml.status == 0, "\(yaml.stderr)")
            #expect(yaml.stdout.contains("kind: ConfigMap"))
            #expect(yaml.stdout.contains("mode: strict"))

            let single = try server.vigil("get", "configmap", "settings", "-n", "team-a", "-o", "json")
            let object = try JSONValue.parse(single.stdout)
            #expect(object[path: "data", "mode"] == "strict")
            #expect(object[path: "metadata", "uid"]?.stringValue?.isEmpty == false)

            let namespaces = try server.vigil("get", "namespaces", "-o", "name")
            #expect(namespaces.stdout.contains("namespace/team-a\n"))
        }
    }

    @Test func getFailsClearlyForUnknownResourcesMissingObjectsAndBadCredentials() async throws {
        try await Self.withAPIServer { server in
            let unknown = try server.vigil("get", "widgets", "-A")
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("widgets"), "\(unknown.stderr)")

            let missing = try server.vigil("get", "pod", "nope", "-n", "team-a")
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("not found"), "\(missing.stderr)")

            let kubeconfig = try String(contentsOfFile: server.kubeconfig, encoding: .utf8)
            let badPath = server.directory + "/bad-kubeconfig"
            try kubeconfig.replacingOccurrences(of: "cli-token", with: "wrong-token")
                .write(toFile: badPath, atomically: true, encoding: .utf8)
            let refused = try VigilProcess.run(["kube", "get", "pods", "-A", "--kubeconfig", badPath])
            #expect(refused.status != 0)
            #expect(refused.stderr.lowercased().contains("unauthorized"), "\(refused.stderr)")
        }
    }

    @Test func watchPrintsTheInitialListThenChanges() async throws {
        try await Self.withAPIServer { server in
            let watch = Process()
            watch.executableURL = VigilProcess.executableURL
            watch.arguments = ["kube", "watch", "pods", "-A", "-o", "json", "--kubeconfig", server.kubeconfig]
            let output = Pipe()
            watch.standardOutput = output
            watch.standardError = FileHandle.nullDevice
            watch.standardInput = Pipe()
            let lines = LineCollector(output.fileHandleForReading)
            try watch.run()
            defer {
                if watch.isRunning { kill(watch.processIdentifier, SIGKILL) }
                watch.waitUntilExit()
            }
            #expect(await lines.wait { $0.contains { $0.contains("\"SYNCED\"") } })
            // A change made with the real kubectl arrives as one event.
            let kubectl = Process()
            kubectl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            kubectl.arguments = [
                "kubectl", "--kubeconfig", server.kubeconfig, "--cache-dir", server.directory + "/cache", "delete",
                "pod", "db", "-n", "team-b",
            ]
            kubectl.standardOutput = FileHandle.nullDevice
            kubectl.standardError = FileHandle.nullDevice
            try kubectl.run()
            kubectl.waitUntilExit()
            #expect(kubectl.terminationStatus == 0)
            #expect(await lines.wait { $0.contains { $0.contains("\"DELETED\"") } })
            let events = lines.current.compactMap { try? JSONValue.parse($0) }
            let types = events.compactMap { $0["type"]?.stringValue }
            #expect(types == ["ADDED", "ADDED", "SYNCED", "DELETED"])
            #expect(events.last?[path: "object", "metadata", "name"] == "db")
        }
    }
}

/// Collects the lines a process writes to a pipe.
final class LineCollector: Sendable {
    private let state = Mutex<(lines: [String], partial: [UInt8])>(([], []))

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            state.withLock { state in
                state.partial += data
                while let newline = state.partial.firstIndex(of: UInt8(ascii: "\n")) {
                    state.lines.append(String(decoding: state.partial[..<newline], as: UTF8.self))
                    state.partial.removeSubrange(...newline)
                }
            }
        }
    }

    var current: [String] { state.withLock { $0.lines } }

    /// Waits up to 20 s until `condition` holds for the lines so far.
    func wait(_ condition: ([String]) -> Bool) async -> Bool {
        for _ in 0..<200 {
            if condition(current) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition(current)
    }
}
