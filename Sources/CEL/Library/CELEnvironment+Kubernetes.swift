extension CELEnvironment {
    /// The libraries Kubernetes enables beyond the standard library, as far as this module has them
    /// (today `ext.Strings` v2, ``CELStringsLibrary``, and the IP and CIDR libraries, ``CELNetworkLibrary``).
    public static let kubernetesLibraries: [any CELLibrary] = [CELStringsLibrary(), CELNetworkLibrary()]

    /// The variables of Kubernetes' admission expressions, which Kyverno's CEL policies use too.
    public static let kubernetesVariables = ["object", "oldObject", "request", "params", "namespaceObject"]

    /// An environment like Kubernetes' for stored expressions: the standard library, the libraries in
    /// ``kubernetesLibraries``, and `variables` (by default ``kubernetesVariables``).
    public static func kubernetes(variables: [String] = kubernetesVariables) -> CELEnvironment {
        CELEnvironment(variables: variables, libraries: kubernetesLibraries)
    }
}
