import ContainerImages
import Testing

/// Kyverno's `GetImageInfo` normalisation and go-containerregistry's lookup normalisation.
struct ImageReferenceTests {
    @Test func exposesParts() throws {
        let image = try ImageReference(parsing: "ghcr.io/org/team/app:v1.2")
        #expect(image.registry == "ghcr.io")
        #expect(image.path == "org/team/app")
        #expect(image.name == "app")
        #expect(image.tag == "v1.2")
        #expect(image.digest.isEmpty)
        #expect(try ImageReference(parsing: "busybox").description == "docker.io/busybox:latest")
        #expect(try ImageReference(parsing: "busybox", defaultRegistry: "mirror.local").registry == "mirror.local")
    }

    @Test(arguments: [
        "a//b", "-app", "app-", "app/UPPER", "app:" + String(repeating: "t", count: 129),
        "registry.io/" + String(repeating: "a", count: 250),
    ])
    func rejects(image: String) {
        #expect(throws: ImageReferenceError.self) { try ImageReference(parsing: image) }
    }
}

struct RegistryReferenceTests {
    @Test(arguments: [
        ("nginx", "index.docker.io", "library/nginx", "latest"),
        ("nginx:1.25", "index.docker.io", "library/nginx", "1.25"),
        ("docker.io/nginx:1.25", "index.docker.io", "library/nginx", "1.25"),
        ("docker.io/bitnami/redis:7", "index.docker.io", "bitnami/redis", "7"),
        ("ghcr.io/org/team/app:v1.2", "ghcr.io", "org/team/app", "v1.2"),
        ("localhost/app", "localhost", "app", "latest"),
        ("localhost:5000/app:dev", "localhost:5000", "app", "dev"),
        ("127.0.0.1:5000/team/app:1", "127.0.0.1:5000", "team/app", "1"),
        (
            "library/nginx@sha256:" + String(repeating: "a", count: 64), "index.docker.io", "library/nginx",
            "sha256:" + String(repeating: "a", count: 64)
        ),
        (
            "quay.io/x/y:1.0@sha256:" + String(repeating: "b", count: 64), "quay.io", "x/y",
            "sha256:" + String(repeating: "b", count: 64)
        ),
    ])
    func normalises(image: String, registry: String, repository: String, identifier: String) throws {
        let reference = try RegistryReference(parsing: image)
        #expect(reference.image == image)
        #expect(reference.registry == registry)
        #expect(reference.repository == repository)
        #expect(reference.identifier == identifier)
    }

    @Test func resolvedImageUsesTheNormalisedName() throws {
        let digest = "sha256:" + String(repeating: "c", count: 64)
        #expect(
            try RegistryReference(parsing: "nginx:1.25").resolvedImage(digest: digest)
                == "index.docker.io/library/nginx@\(digest)")
        #expect(
            try RegistryReference(parsing: "nginx@\(digest)").description == "index.docker.io/library/nginx@\(digest)")
    }

    @Test(arguments: [
        "", "Nginx", "nginx:", "nginx@sha256:abc", "a//b", "ghcr.io/x/y@md5:" + String(repeating: "a", count: 32),
    ])
    func rejects(image: String) {
        #expect(throws: ImageReferenceError.self) { try RegistryReference(parsing: image) }
    }
}
