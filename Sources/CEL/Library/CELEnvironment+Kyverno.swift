extension CELEnvironment {
    /// What Kyverno adds to Kubernetes' libraries, as far as this module has them: ``CELMathLibrary``
    /// (`ext.Math`), ``CELEncodersLibrary`` (`base64`) and `cel.bind` (a macro the parser always expands).
    public static let kyvernoLibraries: [any CELLibrary] =
        kubernetesLibraries + [CELMathLibrary(), CELEncodersLibrary()]

    /// An environment like Kyverno's for its CEL policies: ``kubernetes(variables:)`` plus
    /// ``kyvernoLibraries``.
    public static func kyverno(variables: [String] = kubernetesVariables) -> CELEnvironment {
        var environment = CELEnvironment(variables: variables, libraries: kyvernoLibraries)
        environment.homogeneousAggregateLiterals = true
        environment.checksTypes = true
        return environment
    }
}
