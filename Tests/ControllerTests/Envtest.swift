import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The real control plane of `../shared/envtest`, by the envtest convention: `KUBEBUILDER_ASSETS`, else the
/// shared `setup` script when it is there.
enum Envtest {
    static let shared = ControllerHarness.shared + "/envtest"

    struct Output: Sendable {
        var status: Int32
        var text: String
    }

    /// The folder with kube-apiserver, etcd and kubectl; `nil` when there is none.
    static let assets: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let assets = environment["KUBEBUILDER_ASSETS"], !assets.isEmpty {
            return FileManager.default.isExecutableFile(atPath: assets + "/kube-apiserver") ? assets : nil
        }
        guard FileManager.default.isExecutableFile(atPath: shared + "/setup"),
            let output = try? runBlocking(shared + "/setup", [], environment: environment, timeout: .seconds(300)),
            output.status == 0
        else { return nil }
        let path = output.text.split(separator: "\n").last.map(String.init) ?? ""
        return FileManager.default.isExecutableFile(atPath: path + "/kube-apiserver") ? path : nil
    }()

    /// Starts a control plane with its files in `directory`; returns its kubeconfig.
    static func start(_ directory: String, assets: String) async throws -> String {
        let started = try await run(shared + "/cluster", ["start", directory], assets: assets, timeout: .seconds(240))
        guard started.status == 0 else { throw HarnessError("envtest did not start in \(directory): \(started.text)") }
        return directory + "/kubeconfig"
    }

    /// Stops exactly the processes `start` launched, and removes `directory`.
    static func stop(_ directory: String, assets: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["KUBEBUILDER_ASSETS"] = assets
        _ = try? runBlocking(shared + "/cluster", ["stop", directory], environment: environment, timeout: .seconds(60))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a tool to completion (output and errors together) on its own thread, never blocking the pool.
    static func run(
        _ executable: String, _ arguments: [String], assets: String, timeout: Duration = .seconds(120)
    ) async throws -> Output {
        let environment = ProcessInfo.processInfo.environment.merging(["KUBEBUILDER_ASSETS": assets]) { $1 }
        return try await withCheckedThrowingContinuation { [environment] continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try runBlocking(executable, arguments, environment: environment, timeout: timeout)
                    })
            }
        }
    }

    /// Spawns `executable` (standard input from /dev/null, output and error to one file) and reaps it with
    /// `waitpid`; SIGKILL after `timeout`.
    ///
    /// Not Foundation's `Process`: it notices a child's exit when the descriptors it hands the child are
    /// closed, and `cluster start` leaves etcd and kube-apiserver running with every descriptor it inherited,
    /// so `Process` would wait for the control plane to stop.
    static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String], timeout: Duration
    ) throws -> Output {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-envtest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw HarnessError("could not run \(executable): \(String(cString: strerror(spawned)))")
        }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0, errno != EINTR { throw HarnessError("waitpid for \(executable) failed: errno \(errno)") }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw HarnessError("\(executable) \(arguments.joined(separator: " ")) did not finish in \(timeout)")
            }
            usleep(50_000)
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        // Exit status when it exited, else 128 + the signal, as a shell reports it.
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: code, text: text)
    }
}
