import JSONValue
public import PolicyEngine

/// One entry of a report's `results`, as Kyverno fills it (pkg/utils/report/results.go).
public struct ReportResult: Sendable, Hashable {
    /// `kyverno` for ClusterPolicy and Policy results unless configured otherwise.
    public var source: String
    /// `name` for a ClusterPolicy, `namespace/name` for a Policy.
    public var policy: String
    /// The rule name, `autogen-` prefixes included.
    public var rule: String
    /// The status shown: an unscored failure is a warning.
    public var result: RuleResult.Status
    public var message: String
    public var scored: Bool
    public var category: String?
    public var severity: String?
    /// Rule `reportProperties`, engine properties, and `process`.
    public var properties: [String: String]
    /// Seconds since 1970 (`timestamp.seconds`); not part of the content hash.
    public var timestamp: Int

    public init(
        source: String, policy: String, rule: String, result: RuleResult.Status, message: String, scored: Bool = true,
        category: String? = nil, severity: String? = nil, properties: [String: String] = [:], timestamp: Int = 0
    ) {
        self.source = source
        self.policy = policy
        self.rule = rule
        self.result = result
        self.message = message
        self.scored = scored
        self.category = category
        self.severity = severity
        self.properties = properties
        self.timestamp = timestamp
    }

    /// The entries for one policy's results on one resource.
    ///
    /// - Parameters:
    ///   - policy: the policy the results came from (name, scoring, category, severity, background mode).
    ///   - results: the engine's rule results.
    ///   - source: the `source` field.
    ///   - timestamp: seconds since 1970.
    public static func entries(
        policy: Policy, results: [RuleResult], source: String = "kyverno", timestamp: Int
    ) -> [ReportResult] {
        entries(
            of: policy, process: policy.spec.background ? "background scan" : "admission review", source: source,
            results: results, timestamp: timestamp)
    }

    /// The `source` Kyverno writes for ValidatingPolicy results.
    public static let validatingPolicySource = "KyvernoValidatingPolicy"

    /// Entries for a ValidatingPolicy's (or NamespacedValidatingPolicy's) results, as Kyverno's
    /// `ToPolicyReportResult` writes them: source `KyvernoValidatingPolicy`, the policy's key (`name`, or
    /// `namespace/name`), the result's rule name (empty for a validation result), `process` from
    /// `evaluation.background.enabled` / `evaluation.admission.enabled`.
    public static func entries(
        validatingPolicy policy: ValidatingPolicy, results: [RuleResult], timestamp: Int
    ) -> [ReportResult] {
        let process =
            policy.spec.backgroundEnabled
            ? "background scan" : policy.spec.admissionEnabled ? "admission review" : ""
        return entries(
            of: policy, process: process, source: validatingPolicySource, results: results, timestamp: timestamp)
    }

    /// The `source` Kyverno writes for ValidatingAdmissionPolicy results.
    public static let validatingAdmissionPolicySource = ValidatingAdmissionPolicyEvaluator.source

    /// Entries for a ValidatingAdmissionPolicy's results, as Kyverno's `ToPolicyReportResult` writes them:
    /// source `ValidatingAdmissionPolicy`, `policy` and `rule` both the policy's name, the result's `binding`
    /// property, `process: background scan`; scoring, category and severity from the policy's annotations.
    public static func entries(
        validatingAdmissionPolicy policy: ValidatingAdmissionPolicy, results: [RuleResult], timestamp: Int
    ) -> [ReportResult] {
        entries(
            of: policy, process: "background scan", source: validatingAdmissionPolicySource, results: results,
            timestamp: timestamp)
    }

    /// One entry per result of `policy` (any kind): scoring, category and severity from its annotations,
    /// the `process` property as given.
    private static func entries(
        of policy: some ReportedPolicy, process: String, source: String, results: [RuleResult], timestamp: Int
    ) -> [ReportResult] {
        let scored = policy.scored
        return results.map { result in
            var properties = result.properties
            properties["process"] = process
            return ReportResult(
                source: source, policy: policy.reportName, rule: result.ruleName,
                result: result.reportStatus(scored: scored), message: result.reportMessage(scored: scored),
                scored: scored, category: policy.category, severity: policy.severity, properties: properties,
                timestamp: timestamp)
        }
    }

    /// The JSON entry; `includeTimestamp` false gives the form the content hash covers.
    func document(includeTimestamp: Bool) -> JSONValue {
        var object: JSONObject = [:]
        if let category, !category.isEmpty { object["category"] = .string(category) }
        if !message.isEmpty { object["message"] = .string(message) }
        object["policy"] = .string(policy)
        if !properties.isEmpty {
            var entries = JSONObject()
            for key in properties.keys.sorted() { entries[key] = .string(properties[key] ?? "") }
            object["properties"] = .object(entries)
        }
        object["result"] = .string(result.rawValue)
        object["rule"] = .string(rule)
        object["scored"] = .bool(scored)
        if let severity, !severity.isEmpty { object["severity"] = .string(severity) }
        object["source"] = .string(source)
        if includeTimestamp { object["timestamp"] = ["nanos": 0, "seconds": .int(timestamp)] }
        return .object(object)
    }

    /// Reads an entry of an existing report; `nil` when a required field is missing or unknown.
    init?(document: JSONValue) {
        guard let policy = document["policy"]?.stringValue,
            let resultText = document["result"]?.stringValue, let result = RuleResult.Status(rawValue: resultText)
        else { return nil }
        var properties: [String: String] = [:]
        for (key, value) in document["properties"]?.objectValue ?? [:] {
            properties[key] = value.stringValue ?? value.serialized()
        }
        self.init(
            source: document["source"]?.stringValue ?? "", policy: policy, rule: document["rule"]?.stringValue ?? "",
            result: result, message: document["message"]?.stringValue ?? "",
            scored: document["scored"]?.boolValue ?? true, category: document["category"]?.stringValue,
            severity: document["severity"]?.stringValue, properties: properties,
            timestamp: document[path: "timestamp", "seconds"]?.intValue ?? 0)
    }

    /// The deterministic order: policy, rule, source (Kyverno's), then result and message.
    static func precedes(_ lhs: ReportResult, _ rhs: ReportResult) -> Bool {
        (lhs.policy, lhs.rule, lhs.source, lhs.result.rawValue, lhs.message)
            < (rhs.policy, rhs.rule, rhs.source, rhs.result.rawValue, rhs.message)
    }
}
