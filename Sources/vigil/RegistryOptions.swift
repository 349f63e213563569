import ArgumentParser
import HTTPClient
import OCIRegistry

/// How Vigil talks to image registries (`vigil run`, and `vigil apply`/`vigil test` with `--registry`).
/// Each option falls back to the environment variable named in its help when `environment` is given.
///
/// Without `--registry`, `vigil apply` and `vigil test` take `imageRegistry` context entries only from
/// values-file mocks (as the Kyverno CLI does).
struct RegistryClientOptions: ParsableArguments {
    @Option(
        name: .customLong("insecure-registry"),
        help: ArgumentHelp(
            "Allow plain HTTP to this registry (repeatable). Env: VIGIL_INSECURE_REGISTRIES (comma-separated).",
            valueName: "host:port"))
    var insecureRegistries: [String] = []

    @Option(
        name: .customLong("registry-ca"),
        help: ArgumentHelp(
            "A PEM CA bundle trusted for registries, with the system store. Env: VIGIL_REGISTRY_CA.",
            valueName: "file"))
    var registryCA: String?

    @Option(
        name: .customLong("registry-credentials"),
        help: ArgumentHelp(
            "A Docker config JSON with registry credentials. Env: VIGIL_REGISTRY_CREDENTIALS.", valueName: "file"))
    var registryCredentials: String?

    @Option(
        name: .customLong("registry-timeout"),
        help: ArgumentHelp(
            "Seconds one image lookup may take (default 20). Env: VIGIL_REGISTRY_TIMEOUT.", valueName: "seconds"))
    var registryTimeout: Double?

    @Option(
        name: .customLong("registry-platform"),
        help: ArgumentHelp(
            "The platform picked from multi-platform images (default linux/amd64). Env: VIGIL_REGISTRY_PLATFORM.",
            valueName: "os/arch[/variant]"))
    var registryPlatform: String?

    /// The client the options describe.
    /// - Throws: `ValidationError` for an unreadable credentials or CA file, a bad platform or timeout.
    func makeClient(environment: [String: String]) throws -> RegistryClient {
        func value(_ option: String?, _ variable: String) -> String? {
            option ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let insecure =
            insecureRegistries.isEmpty
            ? (environment["VIGIL_INSECURE_REGISTRIES"] ?? "").split(separator: ",").map(String.init)
            : insecureRegistries
        var configuration = RegistryClient.Configuration(insecureRegistries: Set(insecure))
        if let path = value(registryCredentials, "VIGIL_REGISTRY_CREDENTIALS") {
            do {
                configuration.credentials = try RegistryCredentials(dockerConfigFile: path)
            } catch {
                throw ValidationError("--registry-credentials \(error)")
            }
        }
        if let path = value(registryCA, "VIGIL_REGISTRY_CA") {
            do {
                configuration.defaultCertificateAuthority = .pem(try RegistryTrust.bundle(adding: path))
            } catch {
                throw ValidationError("--registry-ca \(error)")
            }
        }
        let platformText = value(registryPlatform, "VIGIL_REGISTRY_PLATFORM") ?? "linux/amd64"
        guard let platform = RegistryClient.Platform(parsing: platformText) else {
            throw ValidationError("--registry-platform \(platformText): expected os/arch[/variant]")
        }
        configuration.platform = platform
        let timeoutText = value(registryTimeout.map { String($0) }, "VIGIL_REGISTRY_TIMEOUT") ?? "20"
        guard let timeout = Double(timeoutText), timeout > 0 else {
            throw ValidationError("--registry-timeout must be a positive number of seconds, not \(timeoutText)")
        }
        configuration.timeout = .milliseconds(Int(timeout * 1000))
        return try starting("registry client") { try RegistryClient(configuration: configuration) }
    }
}

extension RegistryClientOptions: LiveLookupClientOptions {
    static let flagName = "registry"
    static let flagHelp = "Look up imageRegistry context entries in live registries (otherwise only values-file mocks)."
}
