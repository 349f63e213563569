import ArgumentParser
import ExternalData
import Foundation
import JSONValue
import OCIRegistry
import PolicyEngine
import PolicyReports
import PolicyTesting
import YAML

/// `vigil apply`: evaluate Kyverno policies (ClusterPolicy, Policy, ValidatingPolicy,
/// NamespacedValidatingPolicy) and Kubernetes ValidatingAdmissionPolicies (with their bindings and
/// `--parameter-resource` objects) against resources from files, as a background scan would.
///
/// Exit status: 0 when every input was read and evaluated, 1 with `--fail-on-violation` when a rule
/// fails, 2 when an input is bad (unreadable or broken YAML, an invalid policy, exception or JMESPath
/// expression, a document that is not a Kubernetes object). Bad inputs never stop the others.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Evaluate Kyverno policies against resources from files, as Vigil's background scan does.",
        discussion: """
            Policies, resources and exceptions are YAML or JSON files or directories of them. Resources are \
            evaluated as a CREATE without user information. Namespace objects among the resources, the \
            --namespace-labels file and the values file's namespaceSelector supply namespace labels. A policy \
            that cannot run in background mode is listed with the reason (Vigil's scanner leaves it out) and \
            still evaluated here, so its rules can be checked. Exit status: 0 when everything was evaluated, \
            1 with --fail-on-violation when a rule fails, 2 on bad input.
            """
    )

    @OptionGroup var options: ApplyOptions

    @OptionGroup(title: "Image registries")
    var registryOptions: LiveLookupOptions<RegistryClientOptions>

    @OptionGroup(title: "Service calls")
    var serviceCallOptions: LiveLookupOptions<ServiceCallClientOptions>

    func run() async throws {
        var inputs = ApplyInputs()
        inputs.load(options)
        let evaluator = PolicyEvaluator(queries: .kyverno())
        for policy in inputs.policies {
            let failures = evaluator.queries.prepare(policy)
            let failedRules = Set(failures.map(\.rule))
            for failure in failures {
                // An autogen rule repeats its rule's expressions: report the rule the user wrote.
                let source = ["autogen-cronjob-", "autogen-"].first { failure.rule.hasPrefix($0) }
                    .map { String(failure.rule.dropFirst($0.count)) }
                if let source, failedRules.contains(source) { continue }
                let file = inputs.policyFiles[policy.policy.reportName].map { $0 + ": " } ?? ""
                inputs.problems.append(
                    "\(file)policy \(policy.policy.reportName) rule \(failure.rule): invalid JMESPath "
                        + "\"\(failure.expression)\": \(failure.message)")
            }
        }
        let set = PolicySet(inputs.policies)
        let registryClient = try registryOptions.makeClient()
        let serviceClient = try serviceCallOptions.makeClient()
        var provider: any ContextProvider = ClusterResourcesProvider(
            objects: inputs.clusterObjects, apiCallResponses: inputs.apiCallResponses,
            globalContextEntries: inputs.globalContextEntries)
        if registryClient != nil || serviceClient != nil {
            provider = LiveContextProvider(base: provider, registry: registryClient, services: serviceClient)
        }
        var rows: [ApplyRow] = []
        var reports = ApplyReports()
        let validatingEvaluator = ValidatingPolicyEvaluator()
        let admissionEvaluator = ValidatingAdmissionPolicyEvaluator()
        for resource in inputs.resources {
            let identity = ResourceIdentity(resource)
            for policy in set.policies(forKind: identity.kind) {
                let values =
                    inputs.values?.variableValues(policy: policy.policy.name, resource: identity.name)
                    ?? VariableValues()
                let evaluation = await evaluator.evaluate(
                    policy, resource: resource, provider: provider, values: values, exceptions: inputs.exceptions)
                for result in evaluation.results {
                    rows.append(ApplyRow(policy: policy, resource: identity, result: result))
                }
                reports.add(resource: resource, policy: policy.policy, results: evaluation.results)
            }
            for policy in inputs.validatingPolicies {
                let evaluation = await validatingEvaluator.evaluate(
                    policy, attributes: AdmissionAttributes(object: resource), provider: provider,
                    exceptions: inputs.celExceptions)
                for result in evaluation.results {
                    rows.append(ApplyRow(validatingPolicy: policy.policy, resource: identity, result: result))
                }
                reports.add(resource: resource, validatingPolicy: policy.policy, results: evaluation.results)
            }
            for policy in inputs.admissionPolicies {
                let evaluation = await admissionEvaluator.evaluate(
                    policy, bindings: inputs.admissionPolicyBindings, attributes: AdmissionAttributes(object: resource),
                    provider: provider)
                for result in evaluation.results {
                    rows.append(ApplyRow(validatingPolicy: policy.policy, resource: identity, result: result))
                }
                reports.add(resource: resource, admissionPolicy: policy.policy, results: evaluation.results)
            }
        }
        await registryClient?.shutdown()
        await serviceClient?.shutdown()
        switch options.output {
        case .table: printTable(rows, inputs: inputs)
        case .json: print(ApplyRow.document(rows, inputs: inputs).serialized(pretty: true))
        case .yaml: print(YAML.emit(ApplyRow.document(rows, inputs: inputs)), terminator: "")
        case .report:
            for problem in inputs.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
            for document in reports.documents { print("---\n" + YAML.emit(document), terminator: "") }
        }
        if !inputs.problems.isEmpty { throw ExitCode(2) }
        if options.failOnViolation && rows.contains(where: { $0.status == .fail }) { throw ExitCode(1) }
    }

    private func printTable(_ rows: [ApplyRow], inputs: ApplyInputs) {
        for problem in inputs.problems { print("error: \(problem)") }
        for notice in inputs.notices { print("note: \(notice)") }
        let shown = rows.filter { options.showSkipped || $0.status != .skip }
        let header = ["POLICY", "RULE", "RESOURCE", "RESULT", "MESSAGE"]
        let cells =
            [header] + shown.map { [$0.policyName, $0.ruleName, $0.resourceText, $0.status.rawValue, $0.message] }
        for line in TextTable.lines(cells, gap: 2) { print(line) }
        var counts: [RuleResult.Status: Int] = [:]
        for row in rows { counts[row.status, default: 0] += 1 }
        let summary = RuleResult.Status.allCases.map { "\($0.rawValue): \(counts[$0, default: 0])" }
        print(
            "\(inputs.policies.count + inputs.validatingPolicies.count + inputs.admissionPolicies.count) policies, \(inputs.resources.count) resources; "
                + summary.joined(separator: ", "))
    }
}

/// One rule result of `vigil apply`.
struct ApplyRow {
    var policyName: String
    var ruleName: String
    var resource: ResourceIdentity
    var status: RuleResult.Status
    var message: String
    var properties: [String: String]

    init(policy: CompiledPolicy, resource: ResourceIdentity, result: RuleResult) {
        policyName = policy.policy.reportName
        ruleName = result.ruleName
        self.resource = resource
        status = result.reportStatus(scored: policy.policy.scored)
        message = result.reportMessage(scored: policy.policy.scored)
        properties = result.properties
    }

    /// A row of a CEL policy's result (ValidatingPolicy, ValidatingAdmissionPolicy).
    init(validatingPolicy policy: some ReportedPolicy, resource: ResourceIdentity, result: RuleResult) {
        policyName = policy.reportName
        ruleName = result.ruleName
        self.resource = resource
        status = result.reportStatus(scored: policy.scored)
        message = result.reportMessage(scored: policy.scored)
        properties = result.properties
    }

    /// `Kind namespace/name` (or `Kind name` for a cluster-scoped resource).
    var resourceText: String {
        resource.kind + " " + (resource.namespace.isEmpty ? "" : resource.namespace + "/") + resource.name
    }

    var json: JSONValue {
        var object: JSONObject = [
            "policy": .string(policyName), "rule": .string(ruleName),
            "resource": .object([
                "apiVersion": .string(
                    resource.group.isEmpty ? resource.version : resource.group + "/" + resource.version),
                "kind": .string(resource.kind), "namespace": .string(resource.namespace),
                "name": .string(resource.name),
            ]),
            "result": .string(status.rawValue), "message": .string(message),
        ]
        if !properties.isEmpty {
            object["properties"] = .object(
                JSONObject(
                    uniqueKeysWithValues: properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        }
        return .object(object)
    }

    /// The `-o json` / `-o yaml` document: results, notes (policies Vigil's scanner leaves out, unsupported
    /// rules) and errors (bad input).
    static func document(_ rows: [ApplyRow], inputs: ApplyInputs) -> JSONValue {
        .object([
            "results": .array(rows.map(\.json)),
            "notes": .array(inputs.notices.map(JSONValue.string)),
            "errors": .array(inputs.problems.map(JSONValue.string)),
        ])
    }
}
