import ArgumentParser

/// The `vigil` command: a background policy reporter for Kubernetes.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "A background policy reporter for Kubernetes.",
        discussion: """
            Vigil lists and watches the objects in a cluster, evaluates Kyverno policies that run in \
            background mode against them, and writes PolicyReport resources.
            """,
        version: VersionInfo.version,
        subcommands: [
            VersionCommand.self, APIServerCommand.self, KubeCommand.self, JPCommand.self, CELCommand.self,
            ApplyCommand.self,
            TestCommand.self, RunCommand.self, DemoCommand.self,
        ]
    )
}
