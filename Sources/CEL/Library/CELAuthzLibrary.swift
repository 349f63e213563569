/// Kubernetes' authorizer library (`library.Authz` and `library.AuthzSelectors`), declared so that policies
/// using it compile, but without an authorizer: Vigil evaluates in a background scan, with no request and
/// no API server to ask. The `authorizer` identifier (unless the environment declares it as a variable)
/// evaluates to an error saying so, and every function of the library propagates it: `path`, `group`,
/// `serviceAccount`, `resource`, `subresource`, `namespace`, `name`, `fieldSelector`, `labelSelector`,
/// `check`, `allowed`, `reason`, `errored`, `error`.
public struct CELAuthzLibrary: CELLibrary {
    public init() {}

    /// The evaluation error of any use of the authorizer.
    public static let unavailable = CELError(
        "authorizer is not available: Vigil evaluates policies in a background scan, without an authorizer")

    public func register(into registry: inout CELFunctionRegistry) {
        registry.addConstant("authorizer", .error(Self.unavailable))
        registry.addConstant("authorizer.requestResource", .error(Self.unavailable))
        let failure: @Sendable (CELValue) -> CELValue = { _ in .error(Self.unavailable) }
        let authorizer = CELKind.opaque("kubernetes.authorization.Authorizer")
        let resourceCheck = CELKind.opaque("kubernetes.authorization.ResourceCheck")
        let decision = CELKind.opaque("kubernetes.authorization.Decision")
        let oneArgument: [(String, CELKind)] = [
            ("path", authorizer), ("group", authorizer),
            ("resource", .opaque("kubernetes.authorization.GroupCheck")), ("subresource", resourceCheck),
            ("namespace", resourceCheck), ("name", resourceCheck), ("fieldSelector", resourceCheck),
            ("labelSelector", resourceCheck), ("check", resourceCheck),
            ("check", .opaque("kubernetes.authorization.PathCheck")),
        ]
        for (name, receiver) in oneArgument {
            registry.add(.binary(name, receiver: true, receiver, .string) { _, _ in .error(Self.unavailable) })
        }
        registry.add(
            CELOverload(
                "serviceAccount", receiver: true, [authorizer, .string, .string],
                body: .ternary { _, _, _ in .error(Self.unavailable) }))
        for name in ["allowed", "reason", "errored", "error"] {
            registry.add(.unary(name, receiver: true, decision, failure))
        }
    }
}
