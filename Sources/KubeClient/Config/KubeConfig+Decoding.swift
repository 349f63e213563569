import JSONValue

extension KubeConfig {
    /// Decodes a kubeconfig document.
    ///
    /// - Parameters:
    ///   - document: the parsed document (an empty document or `null` is an empty configuration).
    ///   - file: the file it came from, named in errors.
    ///   - baseDirectory: the folder relative paths are resolved against (the file's folder).
    /// - Throws: ``KubeConfigError`` naming the file and field of the first problem.
    public init(document: JSONValue, file: String? = nil, baseDirectory: String? = nil) throws(KubeConfigError) {
        self.init(files: file.map { [$0] } ?? [])
        if document.isNull { return }
        let reader = FieldReader(file: file, baseDirectory: baseDirectory)
        guard case .object = document else {
            throw KubeConfigError(
                .malformedDocument, file: file, "a kubeconfig must be a mapping, not \(document.typeName)")
        }
        if let kind = document["kind"]?.stringValue, kind != "Config" {
            throw KubeConfigError(.malformedDocument, file: file, field: "kind", "expected Config, found \(kind)")
        }
        currentContext = try reader.string(document, "current-context", at: "")
        if currentContext?.isEmpty == true { currentContext = nil }

        try reader.namedEntries(document, "clusters", into: &clusters) { name, entry, path throws(KubeConfigError) in
            guard let body = entry["cluster"], case .object = body else {
                throw reader.error(.missingField, "\(path).cluster", "is missing")
            }
            let field = "\(path).cluster"
            guard let server = try reader.string(body, "server", at: field), !server.isEmpty else {
                throw reader.error(.missingField, "\(field).server", "is missing")
            }
            return Cluster(
                name: name,
                server: server,
                certificateAuthority: try reader.path(body, "certificate-authority", at: field),
                certificateAuthorityData: try reader.base64(body, "certificate-authority-data", at: field),
                insecureSkipTLSVerify: try reader.bool(body, "insecure-skip-tls-verify", at: field) ?? false,
                tlsServerName: try reader.string(body, "tls-server-name", at: field),
                proxyURL: try reader.string(body, "proxy-url", at: field),
                origin: Origin(file: file, path: path)
            )
        }

        try reader.namedEntries(document, "users", into: &users) { name, entry, path throws(KubeConfigError) in
            let field = "\(path).user"
            let body = entry["user"] ?? .object([:])
            guard case .object = body else { throw reader.error(.invalidField, field, "must be a mapping") }
            return AuthInfo(
                name: name,
                clientCertificate: try reader.path(body, "client-certificate", at: field),
                clientCertificateData: try reader.base64(body, "client-certificate-data", at: field),
                clientKey: try reader.path(body, "client-key", at: field),
                clientKeyData: try reader.base64(body, "client-key-data", at: field),
                token: try reader.string(body, "token", at: field),
                tokenFile: try reader.path(body, "tokenFile", at: field),
                username: try reader.string(body, "username", at: field),
                password: try reader.string(body, "password", at: field),
                exec: try reader.exec(body["exec"], at: "\(field).exec"),
                hasAuthProvider: body["auth-provider"].map { !$0.isNull } ?? false,
                origin: Origin(file: file, path: path)
            )
        }

        try reader.namedEntries(document, "contexts", into: &contexts) { name, entry, path throws(KubeConfigError) in
            let field = "\(path).context"
            guard let body = entry["context"], case .object = body else {
                throw reader.error(.missingField, field, "is missing")
            }
            return Context(
                name: name,
                cluster: try reader.string(body, "cluster", at: field) ?? "",
                user: try reader.string(body, "user", at: field) ?? "",
                namespace: try reader.string(body, "namespace", at: field),
                origin: Origin(file: file, path: path)
            )
        }
    }
}

/// Typed field access with errors that name the file and field path.
struct FieldReader {
    let file: String?
    let baseDirectory: String?

    func error(_ kind: KubeConfigError.Kind, _ field: String, _ message: String) -> KubeConfigError {
        KubeConfigError(kind, file: file, field: field, message)
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func list(_ object: JSONValue, _ key: String) throws(KubeConfigError) -> [JSONValue] {
        guard let value = object[key], !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw error(.invalidField, key, "must be a list") }
        return array
    }

    /// Member `key` of `object` as `convert` reads it; nil when absent or null.
    /// - Throws: `.invalidField` (`must be <expected>, not <type>`) when `convert` refuses the value.
    private func member<Value>(
        _ object: JSONValue, _ key: String, at path: String, _ expected: String, _ convert: (JSONValue) -> Value?
    ) throws(KubeConfigError) -> Value? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let converted = convert(value) else {
            throw error(.invalidField, join(path, key), "must be \(expected), not \(value.typeName)")
        }
        return converted
    }

    func string(_ object: JSONValue, _ key: String, at path: String) throws(KubeConfigError) -> String? {
        try member(object, key, at: path, "a string", \.stringValue)
    }

    /// Decodes each entry of the list `key` (`clusters`, `users`, `contexts`) with `decode`, given its `name`,
    /// the entry and its path (`users[1]`), into `entries`; the first entry of a name wins, as kubectl merges.
    func namedEntries<Entry>(
        _ document: JSONValue, _ key: String, into entries: inout OrderedDictionary<String, Entry>,
        _ decode: (_ name: String, _ entry: JSONValue, _ path: String) throws(KubeConfigError) -> Entry
    ) throws(KubeConfigError) {
        for (index, entry) in try list(document, key).enumerated() {
            let path = "\(key)[\(index)]"
            let name = try requiredString(entry, "name", at: path)
            let decoded = try decode(name, entry, path)
            if entries[name] == nil { entries[name] = decoded }
        }
    }

    func requiredString(_ object: JSONValue, _ key: String, at path: String) throws(KubeConfigError) -> String {
        guard case .object = object else { throw error(.invalidField, path, "must be a mapping") }
        guard let value = try string(object, key, at: path), !value.isEmpty else {
            throw error(.missingField, join(path, key), "is missing")
        }
        return value
    }

    func bool(_ object: JSONValue, _ key: String, at path: String) throws(KubeConfigError) -> Bool? {
        try member(object, key, at: path, "true or false", \.boolValue)
    }

    /// A file path, resolved against the kubeconfig's folder when relative (as clientcmd does).
    func path(_ object: JSONValue, _ key: String, at path: String) throws(KubeConfigError) -> String? {
        guard let value = try string(object, key, at: path), !value.isEmpty else { return nil }
        return resolve(value)
    }

    func resolve(_ value: String) -> String {
        if value.hasPrefix("/") { return value }
        if value == "~" || value.hasPrefix("~/") { return value }  // kubectl does not expand `~` either.
        guard let baseDirectory, !baseDirectory.isEmpty else { return value }
        return baseDirectory.hasSuffix("/") ? baseDirectory + value : baseDirectory + "/" + value
    }

    func base64(_ object: JSONValue, _ key: String, at path: String) throws(KubeConfigError) -> [UInt8]? {
        guard let value = try string(object, key, at: path), !value.isEmpty else { return nil }
        guard let bytes = Base64.decode(value) else {
            throw error(.invalidField, join(path, key), "is not valid base64")
        }
        return bytes
    }

    func exec(_ value: JSONValue?, at path: String) throws(KubeConfigError) -> KubeConfig.ExecConfig? {
        guard let value, !value.isNull else { return nil }
        guard case .object = value else { throw error(.invalidField, path, "must be a mapping") }
        let command = try requiredString(value, "command", at: path)
        let apiVersion = try requiredString(value, "apiVersion", at: path)
        let args = try list(value, "args").enumerated().map { (index, arg) throws(KubeConfigError) -> String in
            guard let string = arg.stringValue else {
                throw error(.invalidField, "\(path).args[\(index)]", "must be a string")
            }
            return string
        }
        let env = try list(value, "env").enumerated().map {
            (index, entry) throws(KubeConfigError) -> KubeConfig.EnvVar in
            let field = "\(path).env[\(index)]"
            return KubeConfig.EnvVar(
                name: try requiredString(entry, "name", at: field),
                value: try string(entry, "value", at: field) ?? ""
            )
        }
        // clientcmd resolves the command against the kubeconfig folder only when it contains a slash;
        // a bare name is looked up on PATH.
        let resolvedCommand = command.contains("/") ? resolve(command) : command
        return KubeConfig.ExecConfig(
            apiVersion: apiVersion,
            command: resolvedCommand,
            args: args,
            env: env,
            interactiveMode: try string(value, "interactiveMode", at: path),
            provideClusterInfo: try bool(value, "provideClusterInfo", at: path) ?? false,
            installHint: try string(value, "installHint", at: path)
        )
    }
}
