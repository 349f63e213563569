import JSONValue

extension ClientConfiguration {
    /// The service account folder mounted into every pod.
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a process running in a pod: `KUBERNETES_SERVICE_HOST`/`PORT`, the service
    /// account token (re-read as it rotates), its CA and namespace.
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - directory: the service account folder (injectable for tests).
    /// - Throws: ``KubeConfigError`` `.notInCluster` when the variables are unset, or a file error naming
    ///   the missing file. The CA is required: verification is never skipped as a fallback.
    public static func inCluster(
        environment: [String: String],
        serviceAccountDirectory directory: String = serviceAccountDirectory
    ) throws(KubeConfigError) -> ClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigError(
                .notInCluster,
                "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set to use in-cluster configuration"
            )
        }
        let tokenPath = directory + "/token"
        let caPath = directory + "/ca.crt"
        let token = try ConfigFiles.read(tokenPath, field: nil, configFile: nil)
        if String(decoding: token, as: UTF8.self).allSatisfy(\.isWhitespace) {
            throw KubeConfigError(.invalidField, file: tokenPath, "the service account token is empty")
        }
        let ca = try ConfigFiles.read(caPath, field: nil, configFile: nil)
        do {
            try PEM.validateCertificates(ca)
        } catch {
            throw KubeConfigError(.badPEM, file: caPath, "bad PEM: \(error.message)")
        }
        var namespace = "default"
        let namespacePath = directory + "/namespace"
        if ConfigFiles.exists(namespacePath) {
            let text = String(decoding: try ConfigFiles.read(namespacePath, field: nil, configFile: nil), as: UTF8.self)
                .trimmingWhitespace()
            if !text.isEmpty { namespace = text }
        }
        // IPv6 service addresses need brackets, as net.JoinHostPort adds them.
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return ClientConfiguration(
            server: "https://\(hostPart):\(port)",
            tls: TLS(certificateAuthorityPEM: ca),
            authentication: .tokenFile(path: tokenPath, fallback: nil),
            namespace: namespace
        )
    }

    /// Loads the configuration a controller would use (controller-runtime's order): an explicit
    /// kubeconfig (`--kubeconfig`), else the files in `KUBECONFIG`, else in-cluster configuration when
    /// running in a pod, else `$HOME/.kube/config`.
    ///
    /// - Parameters:
    ///   - kubeconfig: an explicit kubeconfig path, which must exist.
    ///   - context: the context to use instead of `current-context`.
    ///   - namespace: overrides the namespace of the context.
    /// - Throws: ``KubeConfigError``; `.noConfiguration` when nothing applies.
    public static func load(
        kubeconfig: String? = nil,
        context: String? = nil,
        namespace: String? = nil,
        environment: [String: String],
        serviceAccountDirectory directory: String = serviceAccountDirectory
    ) throws(KubeConfigError) -> ClientConfiguration {
        let hasExplicit = (kubeconfig.map { !$0.isEmpty } ?? false) || !(environment["KUBECONFIG"] ?? "").isEmpty
        if hasExplicit, let config = try KubeConfig.load(explicitPath: kubeconfig, environment: environment) {
            return try config.clientConfiguration(context: context, namespace: namespace)
        }
        if !hasExplicit, context == nil, environment["KUBERNETES_SERVICE_HOST"] != nil {
            var configuration = try inCluster(environment: environment, serviceAccountDirectory: directory)
            if let namespace { configuration.namespace = namespace }
            return configuration
        }
        var home = environment
        home["KUBECONFIG"] = nil
        if let config = try KubeConfig.load(explicitPath: nil, environment: home) {
            return try config.clientConfiguration(context: context, namespace: namespace)
        }
        throw KubeConfigError(
            .noConfiguration,
            "no kubeconfig found (tried --kubeconfig, KUBECONFIG, $HOME/.kube/config) and not running in a cluster"
        )
    }
}
