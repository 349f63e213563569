public import JSONValue

/// The outcome of one expected result of a `kyverno-test.yaml` for one resource.
public struct KyvernoTestRecord: Sendable, Equatable {
    /// Whether the engine agreed with the expected result, disagreed, or the result was not compared.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case pass
        case fail
        case skip
    }

    /// The test file the expected result comes from.
    public var file: String
    public var policy: String
    public var rule: String
    public var resource: String
    /// The expected result (`pass`, `fail`, `skip`, `warn`, `error`).
    public var expected: String
    /// The engine's result, `none` when no rule result was produced, empty when not evaluated.
    public var actual: String
    public var status: Status
    /// Why the result was skipped or failed (the unsupported feature, the engine's message); may be empty.
    public var reason: String
    /// Whether the expected result is a CEL one: a ValidatingPolicy's, or a `validate.cel` rule's.
    public var usesCEL = false

    public init(
        file: String, policy: String, rule: String, resource: String, expected: String, actual: String,
        status: Status, reason: String
    ) {
        self.file = file
        self.policy = policy
        self.rule = rule
        self.resource = resource
        self.expected = expected
        self.actual = actual
        self.status = status
        self.reason = reason
    }

    /// The record as a JSON object with the fields file, policy, rule, resource, expected, actual, status,
    /// reason, cel.
    public var json: JSONValue {
        .object([
            "file": .string(file), "policy": .string(policy), "rule": .string(rule), "resource": .string(resource),
            "expected": .string(expected), "actual": .string(actual), "status": .string(status.rawValue),
            "reason": .string(reason), "cel": .bool(usesCEL),
        ])
    }
}
