import Foundation
import JSONValue

/// Registry credentials from Docker config JSON (`~/.docker/config.json`, a `kubernetes.io/dockerconfigjson`
/// Secret's `.dockerconfigjson`, or a `.dockercfg`): for each registry a username and password, read from
/// `auth` (base64 of `user:password`) or from `username` and `password`.
///
/// Registry keys are normalised as Docker does: scheme and path are dropped (`https://index.docker.io/v1/`
/// becomes `index.docker.io`) and `docker.io` means `index.docker.io`.
public struct RegistryCredentials: Sendable, Hashable {
    /// One registry's credentials.
    public struct Credential: Sendable, Hashable {
        /// The user name.
        public var username: String
        /// The password or token.
        public var password: String

        /// Creates a credential.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// Credentials by normalised registry host (and port).
    public private(set) var entries: [String: Credential]

    /// No credentials: every registry is accessed anonymously.
    public init() { self.entries = [:] }

    /// Credentials for the given registries (keys are normalised).
    public init(_ entries: [String: Credential]) {
        self.entries = [:]
        for (registry, credential) in entries { self.entries[Self.normalise(registry)] = credential }
    }

    /// Reads Docker config JSON: `{"auths": {"<registry>": {"auth": "<base64 user:password>"}}}` (or
    /// `username` and `password` fields), or the legacy `.dockercfg` form without `auths`.
    /// - Throws: ``RegistryConfigurationError`` when the data is not JSON, or an entry has neither a valid
    ///   `auth` nor `username`.
    public init(dockerConfig data: some Sequence<UInt8>, source: String = "docker config")
        throws(RegistryConfigurationError)
    {
        let document: JSONValue
        do {
            document = try JSONValue.parse(Array(data))
        } catch {
            throw RegistryConfigurationError(source: source, message: "not JSON: \(error)")
        }
        guard let root = document.objectValue else {
            throw RegistryConfigurationError(source: source, message: "expected a JSON object")
        }
        let auths = root["auths"]?.objectValue ?? (root["auths"] == nil ? root : [:])
        self.entries = [:]
        for (registry, entry) in auths {
            guard let entry = entry.objectValue else {
                throw RegistryConfigurationError(source: source, message: "auths.\(registry): expected an object")
            }
            if let encoded = entry["auth"]?.stringValue, !encoded.isEmpty {
                guard let decoded = Data(base64Encoded: encoded).flatMap({ String(data: $0, encoding: .utf8) }),
                    let colon = decoded.firstIndex(of: ":")
                else {
                    throw RegistryConfigurationError(
                        source: source, message: "auths.\(registry).auth: not base64 of user:password")
                }
                self.entries[Self.normalise(registry)] = Credential(
                    username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
            } else if let username = entry["username"]?.stringValue {
                self.entries[Self.normalise(registry)] = Credential(
                    username: username, password: entry["password"]?.stringValue ?? "")
            } else if entry["identitytoken"] == nil, entry["registrytoken"] == nil {
                throw RegistryConfigurationError(
                    source: source, message: "auths.\(registry): neither auth nor username")
            }
        }
    }

    /// Reads a Docker config JSON file.
    /// - Throws: ``RegistryConfigurationError`` when the file cannot be read or is not valid Docker config.
    public init(dockerConfigFile path: String) throws(RegistryConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryConfigurationError(source: path, message: "cannot read the file")
        }
        try self.init(dockerConfig: data, source: path)
    }

    /// The credential for a registry host (as in ``RegistryReference/registry``), if any.
    public func credential(for registry: String) -> Credential? {
        entries[Self.normalise(registry)]
    }

    /// These credentials with `other`'s added; `other` wins for registries both have.
    public func merging(_ other: RegistryCredentials) -> RegistryCredentials {
        var merged = self
        merged.entries.merge(other.entries) { _, new in new }
        return merged
    }

    /// Whether there are no credentials.
    public var isEmpty: Bool { entries.isEmpty }

    /// `https://index.docker.io/v1/` → `index.docker.io`; `docker.io` → `index.docker.io`.
    static func normalise(_ key: String) -> String {
        var host = Substring(key)
        if let scheme = host.range(of: "://") { host = host[scheme.upperBound...] }
        if let slash = host.firstIndex(of: "/") { host = host[..<slash] }
        let lowered = host.lowercased()
        return lowered == "docker.io" || lowered == "registry-1.docker.io" ? "index.docker.io" : lowered
    }
}

/// Registry settings that cannot be used: an unreadable or malformed Docker config or CA bundle.
public struct RegistryConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file path or a description of where the data came from.
    public var source: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
