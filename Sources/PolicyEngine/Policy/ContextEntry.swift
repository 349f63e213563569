public import JSONValue

/// One `context` entry of a rule or foreach: a name and where its value comes from.
public struct ContextEntry: Sendable {
    public var name: String
    public var source: Source

    public enum Source: Sendable {
        /// `variable`: a literal `value`, or a `jmesPath` over the context, with a `default`.
        case variable(value: JSONValue?, jmesPath: String?, defaultValue: JSONValue?)
        /// `configMap`: a ConfigMap by name and namespace.
        case configMap(name: String, namespace: String)
        /// `apiCall`: a Kubernetes API path or a service URL.
        case apiCall(APICall)
        /// `imageRegistry`: image metadata from a registry.
        case imageRegistry(ImageRegistryLookup)
        /// `globalReference`: a GlobalContextEntry by name.
        case globalReference(name: String, jmesPath: String?)
    }
}

/// `context[].apiCall`.
public struct APICall: Sendable {
    /// `urlPath` (Kubernetes API) when set; otherwise `service`.
    public var urlPath: String?
    public var method: String
    /// `data`: key/value pairs sent as a JSON object body with POST.
    public var data: [(key: String, value: JSONValue)]
    public var service: Service?
    public var jmesPath: String?
    public var defaultValue: JSONValue?

    public struct Service: Sendable {
        public var url: String
        public var caBundle: String?
        public var headers: [(key: String, value: String)]
    }
}

/// `context[].imageRegistry`.
public struct ImageRegistryLookup: Sendable {
    public var reference: String
    public var jmesPath: String?
    public var credentials: ImageRegistryCredentials?
    /// When true, a failed lookup yields `{failed: true, errorMessage}` instead of a rule error.
    public var catchError: Bool
}

/// `imageRegistryCredentials`: where registry credentials come from.
public struct ImageRegistryCredentials: Sendable, Hashable {
    public var allowInsecureRegistry: Bool
    public var providers: [String]
    public var secrets: [String]
}
