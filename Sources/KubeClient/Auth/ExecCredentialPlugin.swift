import Foundation
import JSONValue

/// Runs a `client.authentication.k8s.io` exec credential plugin, as kubectl does for cloud logins.
///
/// The plugin gets the kubeconfig's `env` on top of the process environment, `KUBERNETES_EXEC_INFO`
/// with an `ExecCredential` spec (never interactive), and prints an `ExecCredential` whose `status` has
/// a `token` or `clientCertificateData` + `clientKeyData`, and optionally `expirationTimestamp`.
public enum ExecCredentialPlugin {
    /// The cluster details passed to a plugin with `provideClusterInfo: true`.
    public struct ClusterInfo: Sendable, Hashable {
        public var server: String
        public var tlsServerName: String?
        public var insecureSkipTLSVerify: Bool
        public var certificateAuthorityPEM: [UInt8]?
        public var proxyURL: String?

        init(cluster: KubeConfig.Cluster, tls: ClientConfiguration.TLS) {
            server = cluster.server
            tlsServerName = cluster.tlsServerName
            insecureSkipTLSVerify = cluster.insecureSkipTLSVerify
            certificateAuthorityPEM = tls.certificateAuthorityPEM
            proxyURL = cluster.proxyURL
        }
    }

    /// A plugin as configured for one user.
    public struct Configuration: Sendable, Hashable {
        public var exec: KubeConfig.ExecConfig
        public var clusterInfo: ClusterInfo?
        public var userName: String
        /// The kubeconfig that configured the plugin and the field path of `exec`, for errors.
        public var configFile: String?
        public var field: String

        public init(
            exec: KubeConfig.ExecConfig,
            clusterInfo: ClusterInfo? = nil,
            userName: String,
            configFile: String? = nil,
            field: String
        ) {
            self.exec = exec
            self.clusterInfo = clusterInfo
            self.userName = userName
            self.configFile = configFile
            self.field = field
        }
    }

    /// What a plugin printed.
    public struct Credential: Sendable, Hashable {
        public var token: String?
        public var clientCertificatePEM: [UInt8]?
        public var clientKeyPEM: [UInt8]?
        /// When the credential stops being valid; `nil` means until the server rejects it.
        public var expiration: Date?
    }

    /// The API versions Vigil speaks.
    static let supportedAPIVersions: Set<String> = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    /// Runs the plugin on a dedicated thread (it blocks on the child process) and decodes its output.
    ///
    /// - Parameter environment: the base environment (normally the process environment).
    /// - Throws: ``KubeConfigError`` `.execPluginFailed` naming the kubeconfig field: the command is missing,
    ///   exits non-zero (its standard error is quoted), or prints something that is not a valid
    ///   `ExecCredential`.
    public static func run(_ configuration: Configuration, environment: [String: String]) async throws
        -> Credential
    {
        let exec = configuration.exec
        guard supportedAPIVersions.contains(exec.apiVersion) else {
            throw failure(
                configuration, "apiVersion \(exec.apiVersion) is not supported (use client.authentication.k8s.io/v1)")
        }
        var childEnvironment = environment
        for variable in exec.env { childEnvironment[variable.name] = variable.value }
        childEnvironment["KUBERNETES_EXEC_INFO"] = execInfo(configuration).serialized()
        guard let executable = locate(exec.command, path: childEnvironment["PATH"]) else {
            var message = "command \(exec.command) not found"
            if let hint = exec.installHint { message += "; \(hint)" }
            throw failure(configuration, message)
        }
        let result = try await ChildProcess.run(
            executable: executable,
            arguments: exec.args,
            environment: childEnvironment
        )
        guard result.status == 0 else {
            let stderr = String(decoding: result.standardError.suffix(2048), as: UTF8.self).trimmingWhitespace()
            throw failure(configuration, "command \(exec.command) exited with status \(result.status): \(stderr)")
        }
        return try decode(result.standardOutput, configuration: configuration)
    }

    /// Decodes the `ExecCredential` a plugin printed.
    static func decode(_ output: [UInt8], configuration: Configuration) throws(KubeConfigError) -> Credential {
        let document: JSONValue
        do {
            document = try JSONValue.parse(output)
        } catch {
            throw failure(configuration, "output is not JSON: \(error)")
        }
        guard document["kind"]?.stringValue == "ExecCredential" else {
            throw failure(configuration, "output is not an ExecCredential")
        }
        guard document["apiVersion"]?.stringValue == configuration.exec.apiVersion else {
            throw failure(
                configuration,
                "output apiVersion \(document["apiVersion"]?.stringValue ?? "(none)") differs from \(configuration.exec.apiVersion)"
            )
        }
        guard let status = document["status"], case .object = status else {
            throw failure(configuration, "output has no status")
        }
        var credential = Credential()
        if let token = status["token"]?.stringValue, !token.isEmpty { credential.token = token }
        let certificate = status["clientCertificateData"]?.stringValue
        let key = status["clientKeyData"]?.stringValue
        switch (certificate, key) {
        case (nil, nil): break
        case (let certificate?, let key?):
            do {
                try PEM.validateCertificates(Array(certificate.utf8))
                try PEM.validatePrivateKey(Array(key.utf8))
            } catch {
                throw failure(configuration, "bad PEM in status: \(error.message)")
            }
            credential.clientCertificatePEM = Array(certificate.utf8)
            credential.clientKeyPEM = Array(key.utf8)
        default:
            throw failure(configuration, "status must have both clientCertificateData and clientKeyData, or neither")
        }
        guard credential.token != nil || credential.clientCertificatePEM != nil else {
            throw failure(configuration, "status has neither a token nor a client certificate")
        }
        if let timestamp = status["expirationTimestamp"]?.stringValue {
            guard let date = RFC3339.date(from: timestamp) else {
                throw failure(configuration, "status.expirationTimestamp \(timestamp) is not an RFC 3339 time")
            }
            credential.expiration = date
        }
        return credential
    }

    /// The `KUBERNETES_EXEC_INFO` document.
    static func execInfo(_ configuration: Configuration) -> JSONValue {
        var spec: JSONObject = ["interactive": false]
        if let info = configuration.clusterInfo {
            var cluster: JSONObject = ["server": .string(info.server)]
            if let name = info.tlsServerName { cluster["tls-server-name"] = .string(name) }
            if info.insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
            if let ca = info.certificateAuthorityPEM {
                cluster["certificate-authority-data"] = .string(Base64.encode(ca))
            }
            if let proxy = info.proxyURL { cluster["proxy-url"] = .string(proxy) }
            spec["cluster"] = .object(cluster)
        }
        return [
            "apiVersion": .string(configuration.exec.apiVersion),
            "kind": "ExecCredential",
            "spec": .object(spec),
        ]
    }

    /// Finds an executable: a path as is, a bare name on `PATH`.
    static func locate(_ command: String, path: String?) -> String? {
        if command.contains("/") {
            return FileManager.default.isExecutableFile(atPath: command) ? command : nil
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func failure(_ configuration: Configuration, _ message: String) -> KubeConfigError {
        KubeConfigError(.execPluginFailed, file: configuration.configFile, field: configuration.field, message)
    }
}

/// RFC 3339 timestamps as Kubernetes writes them (`2006-01-02T15:04:05Z`, optional fraction).
enum RFC3339 {
    /// Parses `2006-01-02T15:04:05[.fraction](Z|±hh:mm)`, keeping all fraction digits (Foundation's
    /// formatter keeps only milliseconds, and `MicroTime` has microseconds).
    static func date(from text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let dot = text.firstIndex(of: ".") else { return formatter.date(from: text) }
        let afterDot = text.index(after: dot)
        let digitsEnd = text[afterDot...].firstIndex { !$0.isASCII || !$0.isNumber } ?? text.endIndex
        let digits = text[afterDot..<digitsEnd]
        guard !digits.isEmpty, digits.count <= 9,
            let whole = formatter.date(from: String(text[..<dot]) + text[digitsEnd...]),
            let fraction = Double("0." + digits)
        else { return nil }
        return whole.addingTimeInterval(fraction)
    }

    /// Formats a time with microseconds, as `MicroTime` (`2006-01-02T15:04:05.000000Z`).
    static func microTime(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let micros = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded(.down))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let base = formatter.string(from: Date(timeIntervalSince1970: seconds))
        let fraction = String(micros)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }
}
