import Controller

/// Where the demo's controller looks up `imageRegistry` context entries.
enum DemoImages {
    static func source(registry: DemoRegistry) throws -> any ImageDataSource {
        UnavailableImageDataSource()
    }
}
