import ArgumentParser

/// The options of `vigil apply`, in one group so that other parts (registry access, report output) can add
/// theirs without touching the command's logic.
struct ApplyOptions: ParsableArguments {
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
        case yaml
        /// The PolicyReports the controller would write, as YAML documents.
        case report
    }

    @Option(
        name: [.short, .customLong("policy")], parsing: .upToNextOption,
        help: """
            Policy files or directories (ClusterPolicy, Policy, ValidatingPolicy, NamespacedValidatingPolicy, \
            ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding documents).
            """)
    var policies: [String] = []

    @Argument(help: "More policy files or directories (same as --policy).")
    var policyArguments: [String] = []

    @Option(
        name: [.short, .customLong("resource")], parsing: .upToNextOption,
        help: "Resource files or directories; Namespace objects among them supply namespace labels.")
    var resources: [String] = []

    @Option(
        name: .customLong("exception"), parsing: .upToNextOption,
        help: "PolicyException files or directories (kyverno.io/v2, v2beta1).")
    var exceptions: [String] = []

    @Option(
        name: .customLong("parameter-resource"), parsing: .upToNextOption,
        help: "Files or directories of ValidatingAdmissionPolicy parameter objects (the objects paramRef names).")
    var parameterResources: [String] = []

    @Option(help: "A Kyverno CLI values file (kind: Values): globalValues, per-policy values, namespaceSelector.")
    var values: String?

    @Option(
        help: """
            A YAML file with apiCallResponses and globalContextEntries, as in a kyverno-test.yaml, answering \
            apiCall and globalReference context entries offline.
            """)
    var mocks: String?

    @Option(help: "A YAML or JSON file mapping namespace names to their labels, for namespaceSelector.")
    var namespaceLabels: String?

    @Option(
        name: [.short, .customLong("output")],
        help: "Output format: table, json, yaml, or report (the PolicyReports the controller would write, as YAML).")
    var output: OutputFormat = .table

    @Flag(help: "Exit with status 1 when any rule fails.")
    var failOnViolation = false

    @Flag(help: "Show skipped rules in the table too.")
    var showSkipped = false

    /// Every policy path, from `--policy` and the positional arguments.
    var policyPaths: [String] { policies + policyArguments }

    func validate() throws {
        guard !policyPaths.isEmpty else { throw ValidationError("at least one --policy path is required") }
        guard !resources.isEmpty else { throw ValidationError("at least one --resource path is required") }
    }
}
