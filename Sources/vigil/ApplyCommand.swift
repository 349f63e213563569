import ArgumentParser
import Foundation
import JSONValue
import OCIRegistry
import PolicyEngine
import YAML

/// `vigil apply`: evaluate Kyverno policies against resources from files, as a background scan would, and
/// print one line per rule result.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Evaluate Kyverno policies against resources from files, as Vigil's background scan does.",
        discussion: """
            Policies and resources are YAML or JSON files or directories of them. Resources are evaluated as \
            a CREATE without user information. Policies that cannot run in background mode are reported with \
            the reason and still evaluated, so their rules can be checked.
            """
    )

    @Argument(help: "Policy files or directories.")
    var policies: [String]

    @Option(name: [.short, .customLong("resource")], help: "Resource files or directories.")
    var resources: [String] = []

    @Flag(help: "Show skipped rules too.")
    var showSkipped = false

    @OptionGroup(title: "Image registries")
    var registryOptions: RegistryOptions

    func run() async throws {
        var decodeFailures = 0
        var compiled: [CompiledPolicy] = []
        for (path, document) in try ApplyCommand.documents(policies) where PolicyDecoder.isPolicyDocument(document) {
            do {
                let policy = try PolicyDecoder.decode(document)
                compiled.append(try CompiledPolicy(policy))
            } catch {
                decodeFailures += 1
                print("invalid policy in \(path): \(error)")
            }
        }
        for policy in compiled {
            for violation in policy.backgroundViolations {
                print(
                    "policy \(policy.policy.reportName) cannot run in background (rule \(violation.rule ?? "-")): \(violation.message)"
                )
            }
            for (rule, feature) in policy.unsupported {
                print("policy \(policy.policy.reportName) rule \(rule): unsupported: \(feature)")
            }
        }
        let registryClient = try registryOptions.makeClient()
        var provider: any ContextProvider = EmptyContextProvider()
        if let registryClient { provider = RegistryContextProvider(base: provider, client: registryClient) }
        let set = PolicySet(compiled)
        let evaluator = PolicyEvaluator(queries: .kyverno())
        for policy in compiled {
            for failure in evaluator.queries.prepare(policy) {
                print(
                    "policy \(policy.policy.reportName) rule \(failure.rule): invalid JMESPath \"\(failure.expression)\": \(failure.message)"
                )
            }
        }
        var counts: [RuleResult.Status: Int] = [:]
        let resourceDocuments = try ApplyCommand.documents(resources).map(\.1).filter {
            !$0.isNull && !PolicyDecoder.isPolicyDocument($0)
        }
        for resource in resourceDocuments {
            let kind = resource["kind"]?.stringValue ?? "?"
            let namespace = resource["metadata"]?["namespace"]?.stringValue.map { $0 + "/" } ?? ""
            let name = resource["metadata"]?["name"]?.stringValue ?? "?"
            for evaluation in await set.evaluate(resource, evaluator: evaluator, provider: provider) {
                let scored = compiled.first { $0.policy.reportName == evaluation.policyName }?.policy.scored ?? true
                for result in evaluation.results {
                    let status = result.reportStatus(scored: scored)
                    counts[status, default: 0] += 1
                    if status == .skip && !showSkipped { continue }
                    print(
                        "\(status.rawValue.uppercased()) \(kind) \(namespace)\(name): policy \(evaluation.policyName) rule \(result.ruleName): \(result.reportMessage(scored: scored))"
                    )
                }
            }
        }
        await registryClient?.shutdown()
        let summary = RuleResult.Status.allCases.map { "\($0.rawValue): \(counts[$0, default: 0])" }
        print("\(compiled.count) policies, \(resourceDocuments.count) resources; " + summary.joined(separator: ", "))
        if decodeFailures > 0 { throw ExitCode(1) }
    }

    /// Every document of the given files, and of the `.yaml`, `.yml` and `.json` files under the given
    /// directories, with the path it came from.
    /// - Throws: when a file cannot be read or parsed.
    static func documents(_ paths: [String]) throws -> [(String, JSONValue)] {
        var result: [(String, JSONValue)] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(path)")
            }
            var files = [path]
            if isDirectory.boolValue {
                let entries =
                    FileManager.default.enumerator(atPath: path)?.allObjects.compactMap { $0 as? String } ?? []
                files = entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
                    .sorted().map { path + "/" + $0 }
            }
            for file in files {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                do {
                    result += try YAML.load(text).map { (file, $0) }
                } catch {
                    throw ValidationError("\(file): \(error)")
                }
            }
        }
        return result
    }
}
