extension CELEnvironment {
    /// The libraries of Kubernetes' base CEL environment (k8s.io/apiserver/pkg/cel/environment, 1.36,
    /// stored expressions) beyond the standard library: ext.Strings v2 (``CELStringsLibrary``), ext.Sets
    /// (``CELSetsLibrary``), ext.Lists v3 (``CELListsLibrary``), and Kubernetes' URLs (``CELURLLibrary``),
    /// regex (``CELRegexLibrary``), lists (``CELKubernetesListsLibrary``), authz (``CELAuthzLibrary``, which
    /// only reports that no authorizer exists), quantity (``CELQuantityLibrary``), IP and CIDR
    /// (``CELNetworkLibrary``), format (``CELFormatLibrary``) and semver (``CELSemverLibrary``). Two-variable
    /// comprehensions and optional syntax are part of the parser.
    public static let kubernetesLibraries: [any CELLibrary] = [
        CELStringsLibrary(), CELSetsLibrary(), CELListsLibrary(), CELURLLibrary(), CELRegexLibrary(),
        CELKubernetesListsLibrary(), CELAuthzLibrary(), CELQuantityLibrary(), CELNetworkLibrary(), CELFormatLibrary(),
        CELSemverLibrary(),
    ]

    /// The variables of Kubernetes' admission expressions, which Kyverno's CEL policies use too.
    public static let kubernetesVariables = ["object", "oldObject", "request", "params", "namespaceObject"]

    /// An environment like Kubernetes' for stored expressions: the standard library, the libraries in
    /// ``kubernetesLibraries``, and `variables` (by default ``kubernetesVariables``).
    public static func kubernetes(variables: [String] = kubernetesVariables) -> CELEnvironment {
        var environment = CELEnvironment(variables: variables, libraries: kubernetesLibraries)
        environment.homogeneousAggregateLiterals = true
        environment.checksTypes = true
        return environment
    }
}
