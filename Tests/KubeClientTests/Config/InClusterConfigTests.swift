import Foundation
import Testing

@testable import KubeClient

struct InClusterConfigTests {
    private func serviceAccount(token: String = "sa-token\n", namespace: String? = "vigil-system") throws -> String {
        let directory = try Fixtures.temporaryDirectory()
        try Fixtures.write(token, to: directory + "/token")
        try FileManager.default.copyItem(atPath: Fixtures.path("certs/ca.crt"), toPath: directory + "/ca.crt")
        if let namespace { try Fixtures.write(namespace + "\n", to: directory + "/namespace") }
        return directory
    }

    @Test func readsServiceAccount() throws {
        let directory = try serviceAccount()
        defer { Fixtures.remove(directory) }
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let config = try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory)
        #expect(config.server == "https://10.96.0.1:443")
        #expect(config.namespace == "vigil-system")
        #expect(config.tls.certificateAuthorityPEM == (try Fixtures.contents("certs/ca.crt")))
        #expect(config.tls.insecureSkipVerify == false)
        #expect(config.authentication == .tokenFile(path: directory + "/token", fallback: nil))
    }

    @Test func bracketsIPv6AndDefaultsNamespace() throws {
        let directory = try serviceAccount(namespace: nil)
        defer { Fixtures.remove(directory) }
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"]
        let config = try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory)
        #expect(config.server == "https://[fd00::1]:6443")
        #expect(config.namespace == "default")
    }

    @Test func notInClusterWithoutEnvironment() {
        #expect {
            _ = try ClientConfiguration.inCluster(environment: [:], serviceAccountDirectory: "/nonexistent")
        } throws: { error in
            (error as? KubeConfigError)?.kind == .notInCluster
        }
    }

    @Test func missingCAFailsClosed() throws {
        let directory = try serviceAccount()
        defer { Fixtures.remove(directory) }
        try FileManager.default.removeItem(atPath: directory + "/ca.crt")
        let environment = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        #expect {
            _ = try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory)
        } throws: { error in
            (error as? KubeConfigError)?.kind == .fileNotFound && "\(error)".contains(directory + "/ca.crt")
        }
    }

    @Test func loadPrefersExplicitKubeconfigThenInCluster() throws {
        let directory = try serviceAccount()
        defer { Fixtures.remove(directory) }
        let environment = [
            "KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": "/nonexistent",
        ]
        let inCluster = try ClientConfiguration.load(environment: environment, serviceAccountDirectory: directory)
        #expect(inCluster.server == "https://10.0.0.1:443")
        let explicit = try ClientConfiguration.load(
            kubeconfig: Fixtures.path("relative-paths.json"),
            environment: environment,
            serviceAccountDirectory: directory
        )
        #expect(explicit.server == "https://127.0.0.1:6443")
        #expect {
            _ = try ClientConfiguration.load(environment: ["HOME": "/nonexistent"])
        } throws: { error in
            (error as? KubeConfigError)?.kind == .noConfiguration
        }
    }
}
