import ArgumentParser
import HTTPClient
import OCIRegistry

/// The registry flags of `vigil apply` and `vigil test`: without `--registry`, `imageRegistry` context
/// entries come only from values-file mocks (as with the Kyverno CLI); with it, from live registries.
struct RegistryOptions: ParsableArguments {
    @Flag(help: "Look up imageRegistry context entries in live registries (otherwise only values-file mocks).")
    var registry = false

    @Option(
        name: .customLong("insecure-registry"),
        help: ArgumentHelp("Allow plain HTTP to this registry (repeatable).", valueName: "host:port"))
    var insecureRegistries: [String] = []

    @Option(
        name: .customLong("registry-ca"),
        help: ArgumentHelp("A PEM CA bundle trusted for registries, with the system store.", valueName: "file"))
    var registryCA: String?

    @Option(
        name: .customLong("registry-credentials"),
        help: ArgumentHelp("A Docker config JSON with registry credentials.", valueName: "file"))
    var registryCredentials: String?

    @Option(
        name: .customLong("registry-timeout"),
        help: ArgumentHelp("Seconds one image lookup may take.", valueName: "seconds"))
    var registryTimeout: Double = 20

    @Option(
        name: .customLong("registry-platform"),
        help: ArgumentHelp("The platform picked from multi-platform images.", valueName: "os/arch[/variant]"))
    var registryPlatform: String = "linux/amd64"

    /// The client the flags describe, or `nil` without `--registry`.
    /// - Throws: `ValidationError` for an unreadable credentials or CA file or a bad platform.
    func makeClient() throws -> RegistryClient? {
        guard registry else { return nil }
        var configuration = RegistryClient.Configuration(insecureRegistries: Set(insecureRegistries))
        if let registryCredentials {
            do {
                configuration.credentials = try RegistryCredentials(dockerConfigFile: registryCredentials)
            } catch {
                throw ValidationError("--registry-credentials \(error)")
            }
        }
        if let registryCA {
            do {
                configuration.defaultCertificateAuthority = .pem(try RegistryTrust.bundle(adding: registryCA))
            } catch {
                throw ValidationError("--registry-ca \(error)")
            }
        }
        guard let platform = RegistryClient.Platform(parsing: registryPlatform) else {
            throw ValidationError("--registry-platform \(registryPlatform): expected os/arch[/variant]")
        }
        configuration.platform = platform
        guard registryTimeout > 0 else { throw ValidationError("--registry-timeout must be positive") }
        configuration.timeout = .milliseconds(Int(registryTimeout * 1000))
        do {
            return try RegistryClient(configuration: configuration)
        } catch {
            throw ValidationError("cannot start the registry client: \(error)")
        }
    }
}
