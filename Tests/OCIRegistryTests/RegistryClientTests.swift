import ContainerImages
import Failures
import Foundation
import HTTPClient
import JSONValue
import OCIRegistry
import RegistryTestSupport
import Testing

/// ``RegistryClient`` against real `docker-registry` instances (plain HTTP, htpasswd, TLS) with images
/// pushed by skopeo, and against a closed port, a silent socket and an unresolvable host.
@Suite(.enabled(if: LocalRegistry.toolsAvailable, Comment(rawValue: LocalRegistry.missingToolsMessage)))
struct RegistryClientTests {
    func fixture() throws -> RegistryFixture {
        switch RegistryFixture.shared {
        case .success(let fixture): return fixture
        case .failure(let error):
            Issue.record("\(error)")
            throw error
        }
    }

    func client(_ fixture: RegistryFixture, _ configure: (inout RegistryClient.Configuration) -> Void = { _ in })
        throws -> RegistryClient
    {
        var configuration = RegistryClient.Configuration(insecureRegistries: [fixture.plain.host, fixture.auth.host])
        configuration.certificateAuthorities[fixture.secure.host] = .file(fixture.certificates.caCertificate.path)
        configure(&configuration)
        return try RegistryClient(configuration: configuration)
    }

    func failure(_ client: RegistryClient, _ reference: String) async -> RegistryError? {
        do {
            _ = try await client.lookup(reference: reference)
            return nil
        } catch {
            return error
        }
    }

    @Test func findsAnImageByTagInKyvernosShape() async throws {
        let fixture = try fixture()
        let client = try client(fixture)
        defer { Task { await client.shutdown() } }
        let reference = "\(fixture.plain.host)/app:1.0"
        let data = try await client.imageData(reference: reference)
        #expect(data["image"]?.stringValue == reference)
        #expect(data["resolvedImage"]?.stringValue == "\(fixture.plain.host)/app@\(fixture.appDigest)")
        #expect(data["registry"]?.stringValue == fixture.plain.host)
        #expect(data["repository"]?.stringValue == "app")
        #expect(data["identifier"]?.stringValue == "1.0")
        #expect(data["imageIndex"] == .null)
        #expect(data["manifest"]?["mediaType"]?.stringValue == "application/vnd.oci.image.manifest.v1+json")
        #expect(data["configData"]?["config"]?["User"]?.stringValue == "")
        #expect(data["configData"]?["architecture"]?.stringValue == "amd64")
    }

    @Test func findsAnImageByDigest() async throws {
        let fixture = try fixture()
        let client = try client(fixture)
        defer { Task { await client.shutdown() } }
        let data = try await client.lookup(reference: "\(fixture.plain.host)/app@\(fixture.nonRootDigest)")
        #expect(data.digest == fixture.nonRootDigest)
        #expect(data.reference.identifier == fixture.nonRootDigest)
        #expect(data.configData["config"]?["User"]?.stringValue == "1000")
    }

    @Test func selectsThePlatformFromAnIndex() async throws {
        let fixture = try fixture()
        let reference = "\(fixture.plain.host)/multi:1.0"
        let amd64 = try client(fixture)
        defer { Task { await amd64.shutdown() } }
        let data = try await amd64.lookup(reference: reference)
        #expect(data.digest == fixture.multiDigest, "resolvedImage names the index, as Kyverno does")
        #expect(data.imageIndex?["manifests"]?.arrayValue?.count == 2)
        #expect(data.configData["config"]?["User"]?.stringValue == "0")
        let arm64 = try client(fixture) { $0.platform = .init(os: "linux", architecture: "arm64") }
        defer { Task { await arm64.shutdown() } }
        #expect(try await arm64.lookup(reference: reference).configData["config"]?["User"]?.stringValue == "1000")
        let s390x = try client(fixture) { $0.platform = .init(os: "linux", architecture: "s390x") }
        defer { Task { await s390x.shutdown() } }
        #expect(await failure(s390x, reference)?.errorClass == .invalid)
    }

    @Test func missingTagAndMissingRepositoryAreNotFound() async throws {
        let fixture = try fixture()
        let client = try client(fixture)
        defer { Task { await client.shutdown() } }
        let tag = await failure(client, "\(fixture.plain.host)/app:missing")
        #expect(tag?.errorClass == .notFound)
        #expect(tag?.description.contains("\(fixture.plain.host)/app:missing") == true)
        #expect(tag?.cause.contains("MANIFEST_UNKNOWN") == true)
        let repository = await failure(client, "\(fixture.plain.host)/nothing/here:1.0")
        #expect(repository?.errorClass == .notFound)
        #expect(repository?.cause.contains(": 404") == true)
        // The second lookup of the missing tag comes from the negative cache.
        #expect(await failure(client, "\(fixture.plain.host)/app:missing")?.errorClass == .notFound)
        #expect(client.statistics.count(cache: "negative", class: "not-found") == 1)
    }

    @Test func basicAuthWithRightAndWrongCredentials() async throws {
        let fixture = try fixture()
        let reference = "\(fixture.auth.host)/private:1.0"
        let anonymous = try client(fixture)
        defer { Task { await anonymous.shutdown() } }
        #expect(await failure(anonymous, reference)?.errorClass == .unauthorized)

        let right = try RegistryCredentials(dockerConfig: Array(fixture.dockerConfig().utf8))
        let authorised = try client(fixture) { $0.credentials = right }
        defer { Task { await authorised.shutdown() } }
        #expect(try await authorised.lookup(reference: reference).digest == fixture.appDigest)

        let wrong = try RegistryCredentials(dockerConfig: Array(fixture.dockerConfig(password: "nope").utf8))
        let refused = try client(fixture) { $0.credentials = wrong }
        defer { Task { await refused.shutdown() } }
        #expect(await failure(refused, reference)?.errorClass == .unauthorized)

        // Per-lookup credentials (the policy's imageRegistryCredentials) and a config file.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-dockercfg-\(UUID()).json")
        try Data(fixture.dockerConfig().utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try RegistryCredentials(dockerConfigFile: file.path)
        let data = try await anonymous.lookup(reference: reference, options: .init(credentials: fromFile))
        #expect(data.reference.repository == "private")
    }

    @Test func tlsWithTrustedAndUntrustedCA() async throws {
        let fixture = try fixture()
        let reference = "\(fixture.secure.host)/app:1.0"
        let trusting = try client(fixture)
        defer { Task { await trusting.shutdown() } }
        #expect(try await trusting.lookup(reference: reference).digest == fixture.appDigest)
        let untrusting = try RegistryClient()
        defer { Task { await untrusting.shutdown() } }
        let error = await failure(untrusting, reference)
        #expect(error?.errorClass == .tls)
        // A plain HTTP registry that is not listed as insecure is never spoken to without TLS.
        #expect(await failure(untrusting, "\(fixture.plain.host)/app:1.0")?.errorClass == .tls)
    }

    @Test func closedPortAndUnresolvableHostAreUnreachable() async throws {
        let client = try RegistryClient(configuration: .init(insecureRegistries: []))
        defer { Task { await client.shutdown() } }
        let port = try FreePort.reserve()
        let closed = await failure(client, "127.0.0.1:\(port)/app:1.0")
        #expect(closed?.errorClass == .unreachable)
        #expect(
            closed?.description.hasPrefix(
                "unreachable: 127.0.0.1:\(port)/app:1.0: GET https://127.0.0.1:\(port)/v2/app/manifests/1.0") == true)
        #expect(await failure(client, "nonexistent.invalid/app:1.0")?.errorClass == .unreachable)
        #expect(await failure(client, "Bad//Reference")?.errorClass == .invalid)
    }

    @Test func silentRegistryTimesOutWithinTheConfiguredTimeout() async throws {
        let listener = try FreePort.SilentListener()
        let client = try RegistryClient(
            configuration: .init(insecureRegistries: ["127.0.0.1:\(listener.port)"], timeout: .milliseconds(700)))
        defer { Task { await client.shutdown() } }
        let error = await failure(client, "127.0.0.1:\(listener.port)/app:1.0")
        #expect(error?.errorClass == .timeout)
    }

    @Test func aCallerCoalescedOnACancelledLookupStillGetsItsOwnAnswer() async throws {
        let listener = try FreePort.SilentListener()
        let client = try RegistryClient(
            configuration: .init(insecureRegistries: ["127.0.0.1:\(listener.port)"], timeout: .seconds(2)))
        defer { Task { await client.shutdown() } }
        let reference = "127.0.0.1:\(listener.port)/app:1.0"
        // The first caller's lookup hangs on the silent registry; the second joins it; the first is cancelled
        // (as on shutdown). The second was not: it must end as its own lookup would, by the timeout.
        let first = Task { await failure(client, reference) }
        try await Task.sleep(for: .milliseconds(200))
        let second = Task { await failure(client, reference) }
        try await Task.sleep(for: .milliseconds(200))
        first.cancel()
        _ = await first.value
        let error = await second.value
        #expect(error?.errorClass == .timeout, "\(String(describing: error))")
    }

    @Test func thousandConcurrentLookupsOfOneImageCostOneNetworkLookup() async throws {
        let fixture = try fixture()
        let client = try client(fixture)
        defer { Task { await client.shutdown() } }
        let reference = "\(fixture.plain.host)/app:nonroot"
        let users = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    try? await client.lookup(reference: reference).configData["config"]?["User"]?.stringValue
                }
            }
            var users: [String?] = []
            for await user in group { users.append(user) }
            return users
        }
        #expect(users.count == 1000)
        #expect(users.allSatisfy { $0 == "1000" })
        let statistics = client.statistics
        #expect(statistics.networkLookups == 1)
        #expect(statistics.count(cache: "coalesced") + statistics.count(cache: "hit") == 999)
    }

    @Test func deadRegistryOpensItsBreakerAfterAFewFailures() async throws {
        let port = try FreePort.reserve()
        let client = try RegistryClient(
            configuration: .init(insecureRegistries: ["127.0.0.1:\(port)"], breakerThreshold: 3))
        defer { Task { await client.shutdown() } }
        var classes: [RegistryError.Class] = []
        for index in 0..<1000 {
            if let error = await failure(client, "127.0.0.1:\(port)/app-\(index):1.0") {
                classes.append(error.errorClass)
                if index == 999 { #expect(error.cause.contains("circuit open")) }
            }
        }
        #expect(classes.count == 1000)
        #expect(classes.allSatisfy { $0 == .unreachable })
        let statistics = client.statistics
        #expect(statistics.networkLookups == 3)
        #expect(statistics.count(cache: "breaker", class: "unreachable") == 997)
    }

    @Test func breakerLetsAProbeThroughAfterTheCooldown() async throws {
        let fixture = try fixture()
        let port = try FreePort.reserve()
        let client = try RegistryClient(
            configuration: .init(
                insecureRegistries: ["127.0.0.1:\(port)", fixture.plain.host], negativeCacheTTL: .zero,
                breakerThreshold: 1, breakerCooldown: .milliseconds(200)))
        defer { Task { await client.shutdown() } }
        _ = await failure(client, "127.0.0.1:\(port)/a:1")
        _ = await failure(client, "127.0.0.1:\(port)/b:1")
        #expect(client.statistics.count(cache: "breaker") == 1)
        try await Task.sleep(for: .milliseconds(300))
        _ = await failure(client, "127.0.0.1:\(port)/c:1")
        #expect(client.statistics.networkLookups == 2, "one probe after the cool-down")
        // Other registries are unaffected.
        #expect(try await client.lookup(reference: "\(fixture.plain.host)/app:1.0").digest == fixture.appDigest)
    }
}
