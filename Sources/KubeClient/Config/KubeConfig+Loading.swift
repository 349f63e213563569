import JSONValue

extension KubeConfig {
    /// Reads one kubeconfig file, resolving its relative paths against its folder.
    /// - Throws: ``KubeConfigError`` when the file is missing, unreadable or malformed.
    public static func load(file path: String) throws(KubeConfigError) -> KubeConfig {
        let bytes = try ConfigFiles.read(path, field: nil, configFile: nil)
        let document = try ConfigFiles.parseDocument(bytes, file: path)
        return try KubeConfig(document: document, file: path, baseDirectory: ConfigFiles.directory(of: path))
    }

    /// The kubeconfig files kubectl would read, in precedence order, and whether they must exist.
    ///
    /// An explicit path (`--kubeconfig`) must exist. Otherwise `KUBECONFIG` is split on `:` (empty and
    /// repeated entries dropped; missing files are skipped, as kubectl skips them); without it,
    /// `$HOME/.kube/config`.
    public static func filePaths(explicitPath: String?, environment: [String: String]) -> (
        paths: [String], required: Bool
    ) {
        if let explicitPath, !explicitPath.isEmpty { return ([explicitPath], true) }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen: Set<String> = []
            let paths = list.split(separator: ":").map(String.init).filter { !$0.isEmpty && seen.insert($0).inserted }
            return (paths, false)
        }
        if let home = environment["HOME"], !home.isEmpty { return ([home + "/.kube/config"], false) }
        return ([], false)
    }

    /// Loads and merges the kubeconfig files chosen by ``filePaths(explicitPath:environment:)``.
    ///
    /// - Returns: the merged configuration, or `nil` when no file exists (and none was required).
    /// - Throws: ``KubeConfigError`` for a missing explicit file or any malformed file.
    public static func load(explicitPath: String?, environment: [String: String]) throws(KubeConfigError)
        -> KubeConfig?
    {
        let (paths, required) = filePaths(explicitPath: explicitPath, environment: environment)
        var configs: [KubeConfig] = []
        for path in paths {
            if !required && !ConfigFiles.exists(path) { continue }
            configs.append(try load(file: path))
        }
        return configs.isEmpty ? nil : merging(configs)
    }
}
