import Foundation
import JSONValue
import Testing

@testable import KubeClient

struct KubeConfigTests {
    @Test func resolvesRelativePathsAgainstTheKubeconfigFolder() throws {
        let config = try KubeConfig.load(file: Fixtures.path("relative-paths.json"))
        let resolved = try config.clientConfiguration()
        #expect(resolved.server == "https://127.0.0.1:6443")
        #expect(resolved.namespace == "team-a")
        #expect(resolved.contextName == "dev")
        #expect(resolved.tls.serverName == "kubernetes")
        #expect(resolved.tls.certificateAuthorityPEM == (try Fixtures.contents("certs/ca.crt")))
        #expect(resolved.tls.clientCertificatePEM == (try Fixtures.contents("certs/client.crt")))
        #expect(resolved.tls.clientKeyPEM == (try Fixtures.contents("certs/client.key")))
        #expect(resolved.tls.insecureSkipVerify == false)
        #expect(resolved.authentication == .none)
    }

    @Test func explicitContextOverridesCurrentContext() throws {
        let config = try KubeConfig.load(file: Fixtures.path("relative-paths.json"))
        let resolved = try config.clientConfiguration(context: "no-user")
        #expect(resolved.namespace == "default")
        #expect(resolved.tls.clientCertificatePEM == nil)
        #expect(try config.clientConfiguration(context: "no-user", namespace: "ns2").namespace == "ns2")
    }

    @Test func unknownContextIsNamed() throws {
        let config = try KubeConfig.load(file: Fixtures.path("relative-paths.json"))
        #expect {
            _ = try config.clientConfiguration(context: "prod")
        } throws: { error in
            guard let error = error as? KubeConfigError else { return false }
            return error.kind == .unknownContext && error.description.contains("\"prod\"")
                && error.description.contains("dev, no-user")
        }
    }

    @Test func mergesKUBECONFIGLikeKubectl() throws {
        let list = ["merge/first.json", "merge/missing.json", "merge/second.json", "", "merge/third.json"]
            .map { $0.isEmpty ? "" : Fixtures.path($0) }.joined(separator: ":")
        let config = try #require(try KubeConfig.load(explicitPath: nil, environment: ["KUBECONFIG": list]))
        // current-context from the first file that sets it.
        #expect(config.currentContext == "second-only")
        // The first file to define a name wins, for clusters, users and contexts alike.
        let shared = try config.clientConfiguration(context: "shared")
        #expect(shared.server == "https://first.example:6443")
        #expect(shared.tls.insecureSkipVerify)
        #expect(shared.authentication == .bearerToken("first-token"))
        #expect(shared.namespace == "from-first")
        let second = try config.clientConfiguration()
        #expect(second.server == "https://other.example:443")
        #expect(second.authentication == .tokenFile(path: Fixtures.path("merge/bob-token"), fallback: nil))
        #expect(config.files.count == 3)
    }

    @Test func explicitPathMustExist() throws {
        #expect {
            _ = try KubeConfig.load(explicitPath: "/nonexistent/kubeconfig", environment: [:])
        } throws: { error in
            (error as? KubeConfigError)?.kind == .fileNotFound
                && "\(error)".contains("file /nonexistent/kubeconfig not found")
        }
        // Missing files listed in KUBECONFIG are skipped, as kubectl skips them.
        #expect(
            try KubeConfig.load(explicitPath: nil, environment: ["KUBECONFIG": "/nonexistent/a:/nonexistent/b"]) == nil)
    }

    @Test func defaultsToHomeKubeConfig() throws {
        let home = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(home) }
        try FileManager.default.createDirectory(atPath: home + "/.kube", withIntermediateDirectories: true)
        try Fixtures.write(
            #"{"current-context":"c","clusters":[{"name":"c","cluster":{"server":"http://127.0.0.1:1"}}],"#
                + #""contexts":[{"name":"c","context":{"cluster":"c"}}]}"#,
            to: home + "/.kube/config"
        )
        let resolved = try ClientConfiguration.load(environment: ["HOME": home])
        #expect(resolved.server == "http://127.0.0.1:1")
    }

    @Test func missingKeyFileNamesFieldAndFile() throws {
        let file = Fixtures.path("missing-key.json")
        let config = try KubeConfig.load(file: file)
        #expect {
            _ = try config.clientConfiguration()
        } throws: { error in
            guard let error = error as? KubeConfigError else { return false }
            return error.kind == .fileNotFound && error.file == file && error.field == "users[1].user.client-key"
                && error.description
                    == "\(file): users[1].user.client-key: file \(Fixtures.path("certs/missing.key")) not found"
        }
    }

    @Test func badPEMNamesField() throws {
        let file = Fixtures.path("bad-pem.json")
        let config = try KubeConfig.load(file: file)
        #expect {
            _ = try config.clientConfiguration()
        } throws: { error in
            guard let error = error as? KubeConfigError else { return false }
            return error.kind == .badPEM && error.field == "clusters[0].cluster.certificate-authority-data"
                && error.file == file
        }
    }

    @Test(arguments: [
        (#"{"clusters":[{"name":"c"}]}"#, "clusters[0].cluster"),
        (#"{"clusters":[{"name":"c","cluster":{"server":5}}]}"#, "clusters[0].cluster.server"),
        (#"{"clusters":[{"cluster":{"server":"https://x"}}]}"#, "clusters[0].name"),
        (#"{"users":[{"name":"u","user":{"client-key-data":"%%%"}}]}"#, "users[0].user.client-key-data"),
        (#"{"users":[{"name":"u","user":{"exec":{"apiVersion":"v1"}}}]}"#, "users[0].user.exec.command"),
        (#"{"contexts":"x"}"#, "contexts"),
        (
            #"{"clusters":[{"name":"c","cluster":{"server":"https://x","insecure-skip-tls-verify":"yes"}}]}"#,
            "clusters[0].cluster.insecure-skip-tls-verify"
        ),
    ])
    func malformedFieldsAreNamed(document: String, field: String) throws {
        let value = try JSONValue.parse(document)
        #expect {
            _ = try KubeConfig(document: value, file: "/k/config")
        } throws: { error in
            guard let error = error as? KubeConfigError else { return false }
            return error.field == field && error.file == "/k/config"
        }
    }

    @Test func malformedDocumentNamesFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        try Fixtures.write("{\"clusters\": [", to: directory + "/config")
        #expect {
            _ = try KubeConfig.load(file: directory + "/config")
        } throws: { error in
            (error as? KubeConfigError)?.kind == .malformedDocument
                && (error as? KubeConfigError)?.file == directory + "/config"
        }
    }

    @Test func inlineDataWinsAndCertificateNeedsKey() throws {
        let ca = Base64.encode(try Fixtures.contents("certs/ca.crt"))
        let cert = Base64.encode(try Fixtures.contents("certs/client.crt"))
        let document = try JSONValue.parse(
            """
            {"current-context":"c","clusters":[{"name":"c","cluster":{"server":"https://h:1",
            "certificate-authority-data":"\(ca)","certificate-authority":"/missing/ca"}}],
            "users":[{"name":"u","user":{"client-certificate-data":"\(cert)"}}],
            "contexts":[{"name":"c","context":{"cluster":"c","user":"u"}}]}
            """
        )
        let config = try KubeConfig(document: document, file: "/k/config")
        #expect {
            _ = try config.clientConfiguration()
        } throws: { error in
            (error as? KubeConfigError)?.field == "users[0].user.client-certificate-data"
                && "\(error)".contains("no client-key")
        }
    }

    @Test func insecureWithCAIsRejected() throws {
        let ca = Base64.encode(try Fixtures.contents("certs/ca.crt"))
        let document = try JSONValue.parse(
            """
            {"current-context":"c","clusters":[{"name":"c","cluster":{"server":"https://h:1",
            "certificate-authority-data":"\(ca)","insecure-skip-tls-verify":true}}],
            "contexts":[{"name":"c","context":{"cluster":"c"}}]}
            """
        )
        #expect(throws: KubeConfigError.self) { try KubeConfig(document: document).clientConfiguration() }
    }

    @Test func tokenAndAuthProviderSelection() throws {
        func resolve(_ user: String) throws -> ClientConfiguration.Authentication {
            let document = try JSONValue.parse(
                """
                {"current-context":"c","clusters":[{"name":"c","cluster":{"server":"https://h:1"}}],
                "users":[{"name":"u","user":\(user)}],
                "contexts":[{"name":"c","context":{"cluster":"c","user":"u"}}]}
                """
            )
            return try KubeConfig(document: document, file: "/k/config", baseDirectory: "/k").clientConfiguration()
                .authentication
        }
        #expect(try resolve(#"{"token":"abc"}"#) == .bearerToken("abc"))
        #expect(try resolve(#"{"token":"abc","tokenFile":"tok"}"#) == .tokenFile(path: "/k/tok", fallback: "abc"))
        #expect(try resolve(#"{"username":"a","password":"b"}"#) == .basic(username: "a", password: "b"))
        #expect(throws: KubeConfigError.self) { try resolve(#"{"auth-provider":{"name":"gcp"}}"#) }
        #expect(throws: KubeConfigError.self) { try resolve(#"{"token":"x","username":"a"}"#) }
        let exec = try resolve(#"{"exec":{"apiVersion":"client.authentication.k8s.io/v1","command":"./bin/login"}}"#)
        guard case .exec(let plugin) = exec else {
            Issue.record("expected an exec plugin, got \(exec)")
            return
        }
        #expect(plugin.exec.command == "/k/./bin/login")
        #expect(plugin.field == "users[0].user.exec")
    }
}

struct KubeConfigYAMLTests {
    @Test func readsKubectlStyleYAML() throws {
        let config = try KubeConfig.load(file: Fixtures.path("kubectl-style.yaml"))
        let resolved = try config.clientConfiguration()
        #expect(resolved.server == "https://127.0.0.1:40123")
        #expect(resolved.namespace == "vigil-system")
        #expect(resolved.tls.certificateAuthorityPEM == (try Fixtures.contents("certs/ca.crt")))
        guard case .exec(let plugin) = resolved.authentication else {
            Issue.record("expected an exec plugin")
            return
        }
        #expect(plugin.exec.command == Fixtures.path("./login.sh"))
        #expect(plugin.exec.args == ["--cluster", "kind-vigil"])
        // YAML 1.1 would read an unquoted true as a bool; the quoted value stays a string.
        #expect(plugin.exec.env == [KubeConfig.EnvVar(name: "LOGIN_MODE", value: "true")])
        #expect(plugin.clusterInfo?.server == "https://127.0.0.1:40123")
    }

    @Test func yamlErrorsNameTheFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(directory) }
        try Fixtures.write("clusters:\n- name: a\n  cluster: [unclosed\n", to: directory + "/config")
        #expect {
            _ = try KubeConfig.load(file: directory + "/config")
        } throws: { error in
            (error as? KubeConfigError)?.kind == .malformedDocument
                && (error as? KubeConfigError)?.file == directory + "/config"
        }
        try Fixtures.write("# nothing here yet\n", to: directory + "/empty")
        #expect(try KubeConfig.load(file: directory + "/empty").clusters.isEmpty)
    }
}
