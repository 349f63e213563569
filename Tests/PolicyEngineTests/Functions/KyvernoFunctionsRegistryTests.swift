import Foundation
import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// `all` matches the function table in shared/reference/kyverno-jmespath-functions.md.
struct KyvernoFunctionsRegistryTests {
    /// name → parameter type lists, from the reference table (`parse_yaml` waits for the YAML loader).
    static let expected: [String: [[JMESPathType]]] = [
        "compare": [[.string], [.string]], "equal_fold": [[.string], [.string]],
        "replace": [[.string], [.string], [.string], [.number]], "replace_all": [[.string], [.string], [.string]],
        "to_upper": [[.string]], "to_lower": [[.string]], "trim": [[.string], [.string]],
        "trim_prefix": [[.string], [.string]], "split": [[.string], [.string]],
        "regex_replace_all": [[.string], [.string, .number], [.string, .number]],
        "regex_replace_all_literal": [[.string], [.string, .number], [.string, .number]],
        "regex_match": [[.string], [.string, .number]], "pattern_match": [[.string], [.string, .number]],
        "label_match": [[.object], [.object]], "to_boolean": [[.string]], "add": [[.any], [.any]],
        "sum": [[.array]], "subtract": [[.any], [.any]], "multiply": [[.any], [.any]], "divide": [[.any], [.any]],
        "modulo": [[.any], [.any]], "round": [[.number], [.number]], "base64_decode": [[.string]],
        "base64_encode": [[.string]], "path_canonicalize": [[.string]], "truncate": [[.string], [.number]],
        "semver_compare": [[.string], [.string]], "parse_json": [[.string]],
        "lookup": [[.object, .array], [.string, .number]], "items": [[.object, .array], [.string], [.string]],
        "object_from_lists": [[.array], [.array]], "random": [[.string]], "x509_decode": [[.string]],
        "time_since": [[.string], [.string], [.string]], "time_now": [], "time_now_utc": [],
        "time_to_cron": [[.string]], "time_add": [[.string], [.string]], "time_parse": [[.string], [.string]],
        "time_utc": [[.string]], "time_diff": [[.string], [.string]], "time_before": [[.string], [.string]],
        "time_after": [[.string], [.string]], "time_between": [[.string], [.string], [.string]],
        "time_truncate": [[.string], [.string]], "image_normalize": [[.string]], "is_external_url": [[.string]],
        "sha256": [[.string]], "sha1": [[.string]], "md5": [[.string]],
    ]

    @Test func everyReferenceFunctionIsPresentWithItsParameters() {
        let functions = Dictionary(KyvernoFunctions.all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(functions.count == KyvernoFunctions.all.count, "duplicate names")
        for (name, parameters) in Self.expected {
            guard let function = functions[name] else {
                Issue.record("missing \(name)")
                continue
            }
            #expect(function.parameters.map(\.types) == parameters, "\(name)")
            #expect(function.parameters.allSatisfy { !$0.optional } && !function.variadic, "\(name) has fixed arity")
            #expect(!function.summary.isEmpty, "\(name) has a summary")
        }
        #expect(Set(functions.keys).subtracting(Self.expected.keys).isEmpty)
    }

    @Test func referenceTableNamesMatch() throws {
        let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/reference/kyverno-jmespath-functions.md").standardizedFileURL
        guard let text = try? String(contentsOf: reference, encoding: .utf8) else {
            Issue.record("shared/reference/kyverno-jmespath-functions.md is missing; table check skipped")
            return
        }
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.dropFirst(3).prefix { $0 != "`" }
            if line.contains("| (") || line.contains("| ()") { names.insert(String(cell)) }
        }
        #expect(names.count == 51)
        let missing = names.subtracting(Self.expected.keys)
        #expect(missing == ["parse_yaml"], "only parse_yaml waits for the YAML module")
    }

    @Test func installReplacesTheStandardSum() throws {
        var registry = JMESPathFunctionRegistry([
            JMESPathFunction(name: "sum", parameters: [.init(.arrayOf(.number))], returns: .number, summary: "std") {
                _ in .int(0)
            }
        ])
        KyvernoFunctions.install(into: &registry)
        let sum = try #require(registry.function(named: "sum"))
        #expect(sum.parameters.map(\.types) == [[.array]])
        #expect(try sum.body([.value(["1Ki", "1Ki"])]) == "2Ki")
        #expect(registry.functions.count == KyvernoFunctions.all.count)
    }
}
