import JSONValue

/// A kubeconfig document (`apiVersion: v1`, `kind: Config`), or several merged as kubectl merges
/// `KUBECONFIG`.
///
/// File paths inside it are already resolved against the directory of the file that named them. Every
/// entry remembers its file and index so that errors can name them (`users[0].user.client-key`).
public struct KubeConfig: Sendable, Hashable {
    /// Where an entry came from, for error messages.
    public struct Origin: Sendable, Hashable {
        /// The kubeconfig file, or `nil` for a document that did not come from a file.
        public var file: String?
        /// The field path of the entry, such as `users[2]`.
        public var path: String

        public init(file: String?, path: String) {
            self.file = file
            self.path = path
        }
    }

    /// `clusters[].cluster`.
    public struct Cluster: Sendable, Hashable {
        public var name: String
        public var server: String
        /// A resolved path to a CA bundle.
        public var certificateAuthority: String?
        public var certificateAuthorityData: [UInt8]?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
        public var proxyURL: String?
        public var origin: Origin
    }

    /// `users[].user.exec`: a client.authentication.k8s.io credential plugin.
    public struct ExecConfig: Sendable, Hashable {
        public var apiVersion: String
        /// The command; a relative command containing `/` is resolved against the kubeconfig's folder.
        public var command: String
        public var args: [String]
        /// Extra environment variables, in order.
        public var env: [EnvVar]
        /// `Never`, `IfAvailable` or `Always`. Vigil never has a terminal, so `Always` fails.
        public var interactiveMode: String?
        public var provideClusterInfo: Bool
        public var installHint: String?
    }

    /// One `name`/`value` pair of ``ExecConfig/env``.
    public struct EnvVar: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// `users[].user`.
    public struct AuthInfo: Sendable, Hashable {
        public var name: String
        /// A resolved path to a PEM client certificate.
        public var clientCertificate: String?
        public var clientCertificateData: [UInt8]?
        /// A resolved path to a PEM private key.
        public var clientKey: String?
        public var clientKeyData: [UInt8]?
        public var token: String?
        /// A resolved path to a file holding a bearer token; re-read periodically.
        public var tokenFile: String?
        public var username: String?
        public var password: String?
        public var exec: ExecConfig?
        /// Whether the user names an `auth-provider` (unsupported: use an exec plugin).
        public var hasAuthProvider: Bool
        public var origin: Origin
    }

    /// `contexts[].context`.
    public struct Context: Sendable, Hashable {
        public var name: String
        public var cluster: String
        public var user: String
        public var namespace: String?
        public var origin: Origin
    }

    /// Clusters by name, in order of first appearance.
    public var clusters: OrderedDictionary<String, Cluster>
    public var users: OrderedDictionary<String, AuthInfo>
    public var contexts: OrderedDictionary<String, Context>
    public var currentContext: String?
    /// The files this configuration was read from, in precedence order.
    public var files: [String]

    public init(
        clusters: OrderedDictionary<String, Cluster> = [:],
        users: OrderedDictionary<String, AuthInfo> = [:],
        contexts: OrderedDictionary<String, Context> = [:],
        currentContext: String? = nil,
        files: [String] = []
    ) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
        self.files = files
    }

    /// Merges configurations as kubectl merges `KUBECONFIG`: for clusters, users and contexts the first
    /// configuration that defines a name wins; `current-context` comes from the first that sets it.
    public static func merging(_ configs: [KubeConfig]) -> KubeConfig {
        var merged = KubeConfig()
        for config in configs {
            for (name, cluster) in config.clusters where merged.clusters[name] == nil {
                merged.clusters[name] = cluster
            }
            for (name, user) in config.users where merged.users[name] == nil { merged.users[name] = user }
            for (name, context) in config.contexts where merged.contexts[name] == nil {
                merged.contexts[name] = context
            }
            if merged.currentContext == nil, let current = config.currentContext, !current.isEmpty {
                merged.currentContext = current
            }
            merged.files += config.files
        }
        return merged
    }
}
