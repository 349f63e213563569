import JSONValue

/// A kubeconfig or in-cluster configuration problem, naming the file and the field it comes from.
///
/// The description reads like `/home/me/.kube/config: users[0].user.client-key: file /x/y not found`.
public struct KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// A file named by the configuration (or the configuration itself) does not exist.
        case fileNotFound
        /// A file exists but cannot be read.
        case unreadableFile
        /// The document is not valid JSON or YAML, or not a kubeconfig.
        case malformedDocument
        /// A required field is missing.
        case missingField
        /// A field has the wrong type or an unusable value.
        case invalidField
        /// Certificate or key data is not PEM.
        case badPEM
        /// The selected context does not exist.
        case unknownContext
        /// A context names a cluster that does not exist.
        case unknownCluster
        /// A context names a user that does not exist.
        case unknownUser
        /// No kubeconfig was found and the process is not running in a cluster.
        case noConfiguration
        /// `KUBERNETES_SERVICE_HOST`/`PORT` are not set.
        case notInCluster
        /// An exec credential plugin failed or printed an unusable credential.
        case execPluginFailed
        /// A feature of the kubeconfig that Vigil does not implement (for example `auth-provider`).
        case unsupported
    }

    public var kind: Kind
    /// The kubeconfig (or service account) file the problem was found in, when there is one.
    public var file: String?
    /// The field path inside that file, such as `users[0].user.client-key`.
    public var field: String?
    /// What is wrong, in words.
    public var message: String

    public init(_ kind: Kind, file: String? = nil, field: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
