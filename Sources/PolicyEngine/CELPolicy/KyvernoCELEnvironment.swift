public import CEL

/// The CEL environment of Kyverno's CEL policies: Kubernetes' admission variables (`object`, `oldObject`,
/// `request`, `params`, `namespaceObject`, `variables`, `authorizer`), Kyverno's (`exceptions`, and the
/// library contexts `resource`, `http`, `globalContext`, `image`, `json`, `yaml`), the CEL module's Kyverno
/// libraries, ``KyvernoCELLibrary`` and ``KyvernoCELDataLibrary``.
public enum KyvernoCELEnvironment {
    /// Every variable an expression may name.
    public static let variables = [
        "object", "oldObject", "request", "params", "namespaceObject", "variables", "authorizer", "exceptions",
        "resource", "http", "globalContext", "image", "json", "yaml",
    ]

    /// The shared environment (immutable, `Sendable`).
    public static let shared = CELEnvironment(
        variables: variables,
        libraries: CELEnvironment.kyvernoLibraries + [KyvernoCELLibrary(), KyvernoCELDataLibrary()])
}
