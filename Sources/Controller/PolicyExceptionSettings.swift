/// Which PolicyExceptions apply, as Kyverno's `--enablePolicyException` and `--exceptionNamespace` decide
/// (`cmd/internal/engine.go` `NewExceptionSelector`, `pkg/cel/engine/exception.go`):
/// - kyverno.io PolicyExceptions only when enabled (Kyverno's default: not), and then only those in
///   `namespace`, `*` meaning every namespace; enabled with an empty namespace, Kyverno logs an error and
///   applies none.
/// - policies.kyverno.io (CEL) PolicyExceptions always, from `namespace` when one is set, from every
///   namespace when it is empty or `*`.
public struct PolicyExceptionSettings: Sendable, Hashable {
    /// `--enablePolicyException`.
    public var enabled: Bool
    /// `--exceptionNamespace`.
    public var namespace: String

    public init(enabled: Bool = false, namespace: String = "") {
        self.enabled = enabled
        self.namespace = namespace
    }

    /// Whether a kyverno.io PolicyException in `exceptionNamespace` applies.
    public func appliesLegacy(namespace exceptionNamespace: String) -> Bool {
        enabled && (namespace == "*" || (!namespace.isEmpty && namespace == exceptionNamespace))
    }

    /// Whether a policies.kyverno.io PolicyException in `exceptionNamespace` applies.
    public func appliesCEL(namespace exceptionNamespace: String) -> Bool {
        namespace.isEmpty || namespace == "*" || namespace == exceptionNamespace
    }

    /// Why an exception of the given group does not apply.
    func refusal(cel: Bool) -> String {
        if !cel && !enabled { return "kyverno.io PolicyExceptions are disabled (--enable-policy-exception)" }
        if !cel && namespace.isEmpty { return "no --exception-namespace is set" }
        return "not in the exception namespace \(namespace)"
    }
}
