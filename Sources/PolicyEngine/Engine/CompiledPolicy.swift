import JSONValue

/// A policy prepared for evaluation: autogen rules generated and decoded, match blocks parsed, the
/// background-safety check done, unsupported features listed. Build it once when the policy is loaded.
public struct CompiledPolicy: Sendable {
    public let policy: Policy
    /// The policy's rules followed by the rules autogen generated (Kyverno's `ComputeRules`).
    public let rules: [Rule]
    /// Why the policy cannot run in background mode; empty when it can.
    public let backgroundViolations: [BackgroundViolation]
    /// Features Vigil does not evaluate, per rule (`validate.cel`, `mutate`, ...).
    public let unsupported: [(rule: String, feature: String)]
    let matchers: [RuleMatcher]
    /// The JMESPath expressions of each rule (inside `{{ }}`, `jmesPath` fields, foreach lists) that do not
    /// depend on other variables, so they can be compiled when the policy is loaded.
    public let expressions: [(rule: String, expression: String)]
    /// Whether a rule may read the `images` variable (computed only then).
    let usesImages: Bool
    /// The compiled CEL programs of `validate.cel` rules, by rule name.
    let celPrograms: [String: CELRulePrograms]

    /// - Throws: ``PolicyDecodingError`` when a generated rule cannot be decoded (a bug in the policy
    ///   that only autogen reveals).
    public init(_ policy: Policy) throws(PolicyDecodingError) {
        self.policy = policy
        var rules = policy.spec.rules.filter { !$0.isAutogen }
        for (index, document) in Autogen.generatedRuleDocuments(for: policy).enumerated() {
            do {
                rules.append(try RuleDecoder.decode(FieldReader(document, path: "status.autogen.rules[\(index)]")))
            } catch {
                var labelled = error
                labelled.documentName = policy.name
                throw labelled
            }
        }
        self.rules = rules
        matchers = rules.map { RuleMatcher(match: $0.match, exclude: $0.exclude) }
        backgroundViolations = BackgroundCheck.violations(rules: rules, policyDocument: policy.document)
        var unsupported: [(rule: String, feature: String)] = []
        for rule in rules {
            switch rule.type {
            case .validate:
                if let feature = rule.validation?.unsupported { unsupported.append((rule.name, feature)) }
            case .mutate: unsupported.append((rule.name, "mutate"))
            case .generate: unsupported.append((rule.name, "generate"))
            case .verifyImages: unsupported.append((rule.name, "verifyImages"))
            }
        }
        self.unsupported = unsupported
        expressions = rules.flatMap { rule in
            Self.expressions(in: rule.document).map { (rule.name, $0) }
        }
        var celPrograms: [String: CELRulePrograms] = [:]
        for rule in rules {
            if let cel = rule.validation?.cel {
                celPrograms[rule.name] = CELRulePrograms(cel, ruleMessage: rule.validation?.message)
            }
        }
        self.celPrograms = celPrograms
        usesImages = rules.contains { rule in
            VariableSubstitutor.containsMarkers(rule.document) && rule.document.serialized().contains("images")
        }
    }

    /// Expressions in `{{ }}` and in the `jmesPath` / `list` fields of a rule document.
    static func expressions(in value: JSONValue, key: String? = nil) -> [String] {
        switch value {
        case .string(let text):
            var found = VariableScanner.matches(in: text).map { VariableScanner.expression(of: $0.variable).expression }
            if key == "jmesPath" || key == "list", !text.contains("{{") { found.append(text.trimmingWhitespace()) }
            return found.filter { !$0.isEmpty && !$0.contains("{{") && $0 != "@" }
        case .array(let elements):
            return elements.flatMap { expressions(in: $0, key: key) }
        case .object(let object):
            return object.flatMap { member in expressions(in: member.value, key: member.key) }
        default:
            return []
        }
    }

    /// Whether the background scanner runs this policy: `spec.background` is true and the background-safety
    /// check passed.
    public var runsInBackground: Bool { policy.spec.background && backgroundViolations.isEmpty }

    /// The kinds (without group or version) the rules match; `*` when a rule matches any kind.
    public var matchedKinds: Set<String> {
        var kinds: Set<String> = []
        for rule in rules {
            let ruleKinds = rule.match.kinds
            if ruleKinds.isEmpty { kinds.insert("*") }
            for kind in ruleKinds {
                let selector = KindSelector(kind)
                kinds.insert(Wildcard(selector.kind).containsWildcards ? "*" : selector.kind)
            }
        }
        return kinds
    }
}
