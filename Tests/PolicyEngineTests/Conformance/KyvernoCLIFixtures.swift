import Foundation
import JSONValue
import YAML

@testable import PolicyEngine

/// Runs the validate results of Kyverno's CLI test fixtures (`kyverno-test.yaml`) through the engine.
/// Fixtures that need inputs Vigil's engine does not take here (values files, user info, API call mocks,
/// other policy kinds, mutate/generate) are left out and counted.
struct KyvernoCLIFixtures {
    struct Mismatch: CustomStringConvertible {
        var test: String
        var policy: String
        var rule: String
        var resource: String
        var expected: String
        var actual: String
        var message: String
        var description: String {
            "\(test): \(policy)/\(rule) on \(resource): expected \(expected), got \(actual) (\(message))"
        }
    }

    var compared = 0
    var matched = 0
    var skippedTests: [String: Int] = [:]
    var mismatches: [Mismatch] = []

    static var root: String {
        let file = #filePath
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/../shared/testdata/kyverno/cli"
    }

    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// Every `kyverno-test.yaml` under the fixture root, sorted.
    static func testFiles() -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix("kyverno-test.yaml") { files.append(root + "/" + path) }
        }
        return files.sorted()
    }

    /// The values a `Values` document gives one policy and resource: global values, resource values
    /// (added globally) and rule values. Values written as JSON strings are decoded, as the CLI does.
    static func values(_ document: JSONValue?, policy: String, resource: String) -> VariableValues {
        var result = VariableValues()
        guard let document else { return result }
        func decode(_ value: JSONValue) -> JSONValue {
            if case .string(let text) = value, text.hasPrefix("[") || text.hasPrefix("{"),
                let parsed = try? JSONValue.parse(text)
            {
                return parsed
            }
            return value
        }
        for (key, value) in document["globalValues"]?.objectValue ?? [:] { result.global[key] = decode(value) }
        for entry in document["policies"]?.arrayValue ?? [] where entry["name"]?.stringValue == policy {
            for rule in entry["rules"]?.arrayValue ?? [] {
                guard let name = rule["name"]?.stringValue else { continue }
                var values: [String: JSONValue] = [:]
                for (key, value) in rule["values"]?.objectValue ?? [:] { values[key] = decode(value) }
                result.perRule[name] = values
            }
            for item in entry["resources"]?.arrayValue ?? [] where item["name"]?.stringValue == resource {
                for (key, value) in item["values"]?.objectValue ?? [:] { result.global[key] = decode(value) }
            }
        }
        return result
    }

    mutating func skip(_ reason: String) { skippedTests[reason, default: 0] += 1 }

    mutating func run(testFile: String) async {
        guard let text = Self.read(testFile), let documents = try? YAML.load(text) else {
            skip("unreadable")
            return
        }
        let directory = String(testFile[..<(testFile.lastIndex(of: "/") ?? testFile.endIndex)])
        for test in documents where test["kind"]?.stringValue == "Test" {
            await run(test: test, directory: directory, name: testFile)
        }
    }

    private mutating func run(test: JSONValue, directory: String, name: String) async {
        if name.contains("/test-fail/") { return skip("negative test") }
        for key in [
            "userinfo", "apiCallResponses", "globalContextEntries", "context", "exceptions",
        ]
        where test[key] != nil {
            return skip("needs \(key)")
        }
        var policies: [CompiledPolicy] = []
        for path in test["policies"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let text = Self.read(directory + "/" + path), let docs = try? YAML.load(text) else {
                return skip("policy file unreadable")
            }
            for (_, result) in PolicyDecoder.decodeAll(docs) {
                guard case .success(let decoded) = result, let compiled = try? CompiledPolicy(decoded) else {
                    return skip("policy does not decode")
                }
                policies.append(compiled)
            }
        }
        var resources: [JSONValue] = []
        for path in test["resources"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let text = Self.read(directory + "/" + path), let docs = try? YAML.load(text) else {
                return skip("resource file unreadable")
            }
            resources += docs.filter { !$0.isNull }
        }
        var clusterObjects: [JSONValue] = []
        for path in test["clusterResources"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let text = Self.read(directory + "/" + path), let docs = try? YAML.load(text) else {
                return skip("cluster resource file unreadable")
            }
            for document in docs where !document.isNull {
                // A `ClusterResource` file wraps the objects in `spec.resources`.
                if document["kind"]?.stringValue == "ClusterResource" {
                    clusterObjects += document["spec"]?["resources"]?.arrayValue ?? []
                } else {
                    clusterObjects.append(document)
                }
            }
        }
        var valuesDocument = test["values"]
        if let path = test["variables"]?.stringValue {
            guard let text = Self.read(directory + "/" + path), let docs = try? YAML.load(text), let first = docs.first
            else { return skip("values file unreadable") }
            valuesDocument = first
        }
        var namespaceObjects: [JSONValue] = []
        for selector in valuesDocument?["namespaceSelector"]?.arrayValue ?? [] {
            guard let name = selector["name"]?.stringValue else { continue }
            namespaceObjects.append(
                .object([
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": .object(["name": .string(name), "labels": selector["labels"] ?? .object([:])]),
                ]))
        }
        if valuesDocument?["subresources"] != nil { return skip("needs subresources") }
        let provider = ClusterResourcesProvider(objects: clusterObjects + namespaceObjects)
        let evaluator = PolicyEvaluator(queries: .kyverno())
        for entry in test["results"]?.arrayValue ?? [] {
            guard let policyName = entry["policy"]?.stringValue, let ruleName = entry["rule"]?.stringValue,
                let expected = entry["result"]?.stringValue
            else { continue }
            let shortName = String(policyName.split(separator: "/").last ?? "")
            guard let compiled = policies.first(where: { $0.policy.name == shortName }) else {
                skip("result for another policy kind")
                continue
            }
            let ruleNames = [ruleName, "autogen-" + ruleName, "autogen-cronjob-" + ruleName]
            guard let rule = compiled.rules.first(where: { $0.name == ruleName }), rule.type == .validate,
                rule.validation?.unsupported == nil, rule.validation?.podSecurity == nil
            else {
                skip("rule not validate or unsupported")
                continue
            }
            if let operation = entry["operation"]?.stringValue, operation != "CREATE" {
                skip("operation \(operation)")
                continue
            }
            let names = entry["resources"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for resourceName in names {
                let parts = resourceName.split(separator: "/").map(String.init)
                let candidates = resources.filter { resource in
                    let meta = ResourceIdentity(resource)
                    if parts.count == 2 { return meta.namespace == parts[0] && meta.name == parts[1] }
                    return meta.name == resourceName
                }
                guard
                    let resource = candidates.first(where: { resource in
                        entry["kind"]?.stringValue.map { $0 == ResourceIdentity(resource).kind } ?? true
                    }) ?? candidates.first
                else {
                    skip("resource not found")
                    continue
                }
                var scoped = resource
                if compiled.policy.kind == .policy, ResourceIdentity(resource).namespace.isEmpty,
                    let namespace = compiled.policy.namespace
                {
                    var metadata = resource["metadata"]?.objectValue ?? [:]
                    metadata["namespace"] = .string(namespace)
                    scoped["metadata"] = .object(metadata)
                }
                let values = Self.values(valuesDocument, policy: shortName, resource: resourceName)
                if values.global["request.operation"] != nil {
                    skip("operation from values")
                    continue
                }
                let evaluation = await evaluator.evaluate(
                    compiled, resource: scoped, provider: provider, values: values)
                compared += 1
                let result = evaluation.results.first { ruleNames.contains($0.ruleName) }
                let actual = result?.reportStatus(scored: compiled.policy.scored).rawValue ?? "none"
                if actual == expected || (actual == "none" && expected == "skip") {
                    matched += 1
                } else {
                    mismatches.append(
                        Mismatch(
                            test: String(name.dropFirst(Self.root.count)), policy: policyName, rule: ruleName,
                            resource: resourceName, expected: expected, actual: actual, message: result?.message ?? ""))
                }
            }
        }
    }
}
