import JSONValue

extension KubeConfig {
    /// Resolves a context into a ``ClientConfiguration``: reads the CA, client certificate and key files,
    /// checks that they are PEM, and picks the authentication method.
    ///
    /// - Parameters:
    ///   - context: the context to use (`--context`); `current-context` when `nil`.
    ///   - namespace: overrides the context's namespace.
    /// - Throws: ``KubeConfigError`` naming the file and field: an unknown context, cluster or user, a
    ///   missing file, bad PEM, a certificate without its key, or an unsupported `auth-provider`.
    public func clientConfiguration(context: String? = nil, namespace: String? = nil) throws(KubeConfigError)
        -> ClientConfiguration
    {
        let fileList = files.isEmpty ? "the kubeconfig" : files.joined(separator: ":")
        guard let contextName = context ?? currentContext else {
            throw KubeConfigError(
                .unknownContext, file: fileList, field: "current-context", "is not set; choose a context")
        }
        guard let selected = contexts[contextName] else {
            let known = contexts.keys.joined(separator: ", ")
            throw KubeConfigError(
                .unknownContext,
                file: fileList,
                "context \"\(contextName)\" not found (known: \(known.isEmpty ? "none" : known))"
            )
        }
        /// The `entry` found for `name`, which the selected context names in its field `kind`.
        func referenced<Entry>(
            _ entry: Entry?, _ name: String, _ kind: String, _ error: KubeConfigError.Kind
        ) throws(KubeConfigError) -> Entry {
            guard let entry else {
                throw KubeConfigError(
                    error, file: selected.origin.file, field: "\(selected.origin.path).context.\(kind)",
                    "\(kind) \"\(name)\" not found")
            }
            return entry
        }
        let cluster = try referenced(clusters[selected.cluster], selected.cluster, "cluster", .unknownCluster)
        let user: AuthInfo? =
            try selected.user.isEmpty ? nil : referenced(users[selected.user], selected.user, "user", .unknownUser)

        var tls = ClientConfiguration.TLS(
            insecureSkipVerify: cluster.insecureSkipTLSVerify,
            serverName: cluster.tlsServerName
        )
        let clusterField = "\(cluster.origin.path).cluster"
        if let authority = try Self.inlineOrFile(
            cluster.certificateAuthorityData, cluster.certificateAuthority, "\(clusterField).certificate-authority",
            file: cluster.origin.file)
        {
            tls.certificateAuthorityPEM = try Self.certificates(
                authority.data, field: authority.field, file: cluster.origin.file)
        }
        if tls.insecureSkipVerify && tls.certificateAuthorityPEM != nil {
            throw KubeConfigError(
                .invalidField,
                file: cluster.origin.file,
                field: "\(clusterField).insecure-skip-tls-verify",
                "cannot be combined with a certificate authority"
            )
        }

        var authentication = ClientConfiguration.Authentication.none
        if let user {
            try Self.applyClientCertificate(user, to: &tls)
            authentication = try Self.authentication(of: user, cluster: cluster, tls: tls)
        }
        return ClientConfiguration(
            server: cluster.server,
            tls: tls,
            authentication: authentication,
            namespace: namespace ?? selected.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            contextName: contextName
        )
    }

    private static func certificates(_ data: [UInt8], field: String, file: String?) throws(KubeConfigError)
        -> [UInt8]
    {
        do {
            try PEM.validateCertificates(data)
        } catch {
            throw KubeConfigError(.badPEM, file: file, field: field, "bad PEM: \(error.message)")
        }
        return data
    }

    /// The inline `<field>-data`, or else the contents of the file `<field>` names, with the field it came
    /// from; nil when neither is set.
    /// - Throws: ``KubeConfigError`` when the file cannot be read.
    private static func inlineOrFile(
        _ data: [UInt8]?, _ path: String?, _ field: String, file: String?
    ) throws(KubeConfigError) -> (data: [UInt8], field: String)? {
        if let data { return (data, "\(field)-data") }
        guard let path else { return nil }
        return (try ConfigFiles.read(path, field: field, configFile: file), field)
    }

    private static func applyClientCertificate(_ user: AuthInfo, to tls: inout ClientConfiguration.TLS)
        throws(KubeConfigError)
    {
        let field = "\(user.origin.path).user"
        let file = user.origin.file
        let certificate = try inlineOrFile(
            user.clientCertificateData, user.clientCertificate, "\(field).client-certificate", file: file)
        let key = try inlineOrFile(user.clientKeyData, user.clientKey, "\(field).client-key", file: file)
        switch (certificate, key) {
        case (nil, nil):
            return
        case (let certificate?, nil):
            throw KubeConfigError(
                .missingField, file: file, field: certificate.field, "has no client-key to go with it")
        case (nil, let key?):
            throw KubeConfigError(
                .missingField, file: file, field: key.field, "has no client-certificate to go with it")
        case (let certificate?, let key?):
            tls.clientCertificatePEM = try Self.certificates(certificate.data, field: certificate.field, file: file)
            do {
                try PEM.validatePrivateKey(key.data)
            } catch {
                throw KubeConfigError(.badPEM, file: file, field: key.field, "bad PEM: \(error.message)")
            }
            tls.clientKeyPEM = key.data
        }
    }

    private static func authentication(of user: AuthInfo, cluster: Cluster, tls: ClientConfiguration.TLS)
        throws(KubeConfigError) -> ClientConfiguration.Authentication
    {
        let field = "\(user.origin.path).user"
        if user.hasAuthProvider {
            throw KubeConfigError(
                .unsupported,
                file: user.origin.file,
                field: "\(field).auth-provider",
                "auth-provider plugins are not supported; use an exec credential plugin"
            )
        }
        let hasToken = user.token.map { !$0.isEmpty } ?? false
        if (hasToken || user.tokenFile != nil) && user.username != nil {
            throw KubeConfigError(
                .invalidField,
                file: user.origin.file,
                field: "\(field).username",
                "cannot be combined with a bearer token"
            )
        }
        if let tokenFile = user.tokenFile {
            return .tokenFile(path: tokenFile, fallback: hasToken ? user.token : nil)
        }
        if hasToken, let token = user.token { return .bearerToken(token) }
        if let username = user.username { return .basic(username: username, password: user.password ?? "") }
        if let exec = user.exec {
            if exec.interactiveMode == "Always" {
                throw KubeConfigError(
                    .unsupported,
                    file: user.origin.file,
                    field: "\(field).exec.interactiveMode",
                    "Always needs a terminal, which Vigil never has"
                )
            }
            let clusterInfo =
                exec.provideClusterInfo ? ExecCredentialPlugin.ClusterInfo(cluster: cluster, tls: tls) : nil
            return .exec(
                ExecCredentialPlugin.Configuration(
                    exec: exec,
                    clusterInfo: clusterInfo,
                    userName: user.name,
                    configFile: user.origin.file,
                    field: "\(field).exec"
                )
            )
        }
        return .none
    }
}
