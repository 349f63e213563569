import OCIRegistry

/// Where the demo's controller looks up `imageRegistry` context entries: live registries, with plain HTTP
/// allowed to the demo registry and short timeouts so unreachable images show up quickly.
enum DemoImages {
    static func client(registry: DemoRegistry) throws -> RegistryClient {
        var configuration = RegistryClient.Configuration(insecureRegistries: [registry.address])
        configuration.connectTimeout = .seconds(2)
        configuration.timeout = .seconds(5)
        return try RegistryClient(configuration: configuration)
    }
}
