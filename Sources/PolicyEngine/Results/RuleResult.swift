/// The outcome of one rule for one resource.
public struct RuleResult: Sendable, Equatable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case pass
        case fail
        case warn
        case error
        case skip
    }

    /// The rule name, including `autogen-` prefixes.
    public var ruleName: String
    public var ruleType: RuleType
    public var status: Status
    /// Kyverno's message for the outcome.
    public var message: String
    /// The rule's `reportProperties` after variable substitution, plus engine properties (PSS details, a
    /// failed lookup's ``ExternalFailure/properties``).
    public var properties: [String: String]
    /// The failed external lookup that made this an `error`, if one did.
    public var failure: ExternalFailure?

    public init(
        ruleName: String, ruleType: RuleType = .validate, status: Status, message: String,
        properties: [String: String] = [:]
    ) {
        self.ruleName = ruleName
        self.ruleType = ruleType
        self.status = status
        self.message = message
        self.properties = properties
    }

    static func pass(_ rule: Rule, _ message: String) -> RuleResult {
        RuleResult(ruleName: rule.name, status: .pass, message: message, properties: rule.reportProperties)
    }

    static func fail(_ rule: Rule, _ message: String) -> RuleResult {
        RuleResult(ruleName: rule.name, status: .fail, message: message, properties: rule.reportProperties)
    }

    static func skip(_ rule: Rule, _ message: String) -> RuleResult {
        RuleResult(ruleName: rule.name, status: .skip, message: message, properties: rule.reportProperties)
    }

    /// Kyverno's `RuleError`: `<message>: <error>`, with the failed lookup the error carries (an image
    /// lookup failure adds `imageError` and `image` to the properties).
    static func error(_ rule: Rule, _ message: String, _ error: EvaluationError? = nil) -> RuleResult {
        var properties = rule.reportProperties
        for (key, value) in error?.failure?.properties ?? [:] { properties[key] = value }
        var result = RuleResult(
            ruleName: rule.name, status: .error, message: error.map { message + ": " + $0.message } ?? message,
            properties: properties)
        result.failure = error?.failure
        return result
    }

    /// The report property naming the class of a failed image lookup (`not-found`, `unreachable`, …).
    public static let imageErrorProperty = "imageError"
    /// The report property naming the image of a failed image lookup.
    public static let imageProperty = "image"

    /// The report property naming the class of a failed `apiCall.service` call (`unreachable`, `timeout`,
    /// `tls`, `http-status`, `invalid-json`, `too-large`).
    public static let serviceErrorProperty = "serviceError"
    /// The report property naming the URL of a failed `apiCall.service` call.
    public static let serviceProperty = "service"
    /// The report property naming a `GlobalContextEntry` a rule could not read (missing or not ready).
    public static let globalContextEntryProperty = "globalContextEntry"
    /// The report property naming why the `GlobalContextEntry` could not be read (`not-found`, `not-ready`).
    public static let globalContextErrorProperty = "globalContextError"

    /// Whether this is the `error` of a failed `imageRegistry` lookup.
    public var isImageLookupError: Bool {
        guard status == .error, case .image = failure?.source else { return false }
        return true
    }

    /// Whether this is the `error` of a failed `apiCall.service` call.
    public var isServiceCallError: Bool {
        guard status == .error, case .service = failure?.source else { return false }
        return true
    }

    /// The status a report shows: with `scored: false` on the policy, a failure is a warning.
    public func reportStatus(scored: Bool) -> Status {
        !scored && status == .fail ? .warn : status
    }

    /// The message a report shows: `reportProperties` may override it per status (`passMessage`,
    /// `failMessage`, `warnMessage`, `errorMessage`, `skipMessage`) or for every status (`message`).
    public func reportMessage(scored: Bool) -> String {
        var text = message
        let key: String
        switch reportStatus(scored: scored) {
        case .pass: key = "passMessage"
        case .fail: key = "failMessage"
        case .warn: key = "warnMessage"
        case .error: key = "errorMessage"
        case .skip: key = "skipMessage"
        }
        if let override = properties[key], !override.isEmpty { text = override }
        if let override = properties["message"], !override.isEmpty { text = override }
        return text
    }
}

/// All rule results of one policy for one resource.
public struct PolicyEvaluation: Sendable {
    /// `name` for a ClusterPolicy, `namespace/name` for a Policy.
    public var policyName: String
    public var results: [RuleResult]
}
