public import JSONValue

/// Preconditions or deny conditions: `any`/`all` blocks, or the legacy list where every condition must hold.
public enum ConditionBlock: Sendable {
    /// `any` (nil when absent) and `all` (nil when absent).
    case anyAll(any: [Condition]?, all: [Condition]?)
    case legacy([Condition])

    /// Every condition in the block.
    public var conditions: [Condition] {
        switch self {
        case .anyAll(let any, let all): (any ?? []) + (all ?? [])
        case .legacy(let conditions): conditions
        }
    }
}

/// One condition: `key <operator> value`, both sides subject to variable substitution.
public struct Condition: Sendable {
    public var key: JSONValue
    public var `operator`: ConditionOperator
    public var value: JSONValue
    public var message: String
}

/// Kyverno's condition operators (matched case-insensitively, as Kyverno does).
public enum ConditionOperator: String, Sendable, CaseIterable {
    case equals = "Equals"
    case notEquals = "NotEquals"
    case `in` = "In"
    case anyIn = "AnyIn"
    case allIn = "AllIn"
    case notIn = "NotIn"
    case anyNotIn = "AnyNotIn"
    case allNotIn = "AllNotIn"
    case greaterThanOrEquals = "GreaterThanOrEquals"
    case greaterThan = "GreaterThan"
    case lessThanOrEquals = "LessThanOrEquals"
    case lessThan = "LessThan"
    case durationGreaterThanOrEquals = "DurationGreaterThanOrEquals"
    case durationGreaterThan = "DurationGreaterThan"
    case durationLessThanOrEquals = "DurationLessThanOrEquals"
    case durationLessThan = "DurationLessThan"

    /// Parses an operator name, accepting `Equal`/`NotEqual` and any letter case as Kyverno does.
    public init?(name: String) {
        let lowered = name.lowercased()
        if lowered == "equal" {
            self = .equals
            return
        }
        if lowered == "notequal" {
            self = .notEquals
            return
        }
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else { return nil }
        self = match
    }
}
