import JSONValue
import KubeValues

/// Kyverno's operator handlers (pkg/engine/variables/operator), on substituted keys and values.
///
/// Kyverno sees every number in a condition as a Go float64 (keys and values pass through JSON), so
/// numbers here follow float rules and print as Go's `%v` prints floats.
extension ConditionOperator {
    func evaluate(key: JSONValue, value: JSONValue) -> Bool {
        switch self {
        case .equals: return ConditionComparison.equals(key, value)
        case .notEquals: return ConditionComparison.notEquals(key, value)
        case .in: return ConditionMembership.in(key, value, negated: false)
        case .notIn: return ConditionMembership.in(key, value, negated: true)
        case .anyIn: return ConditionMembership.anyIn(key, value, negated: false)
        case .anyNotIn: return ConditionMembership.anyIn(key, value, negated: true)
        case .allIn: return ConditionMembership.allIn(key, value, negated: false)
        case .allNotIn: return ConditionMembership.allIn(key, value, negated: true)
        case .greaterThan, .greaterThanOrEquals, .lessThan, .lessThanOrEquals:
            return ConditionComparison.numeric(key, value, self)
        case .durationGreaterThan, .durationGreaterThanOrEquals, .durationLessThan, .durationLessThanOrEquals:
            return ConditionComparison.duration(key, value, self)
        }
    }

    func compare<T: Comparable>(_ lhs: T, _ rhs: T) -> Bool {
        switch self {
        case .greaterThan, .durationGreaterThan: lhs > rhs
        case .greaterThanOrEquals, .durationGreaterThanOrEquals: lhs >= rhs
        case .lessThan, .durationLessThan: lhs < rhs
        case .lessThanOrEquals, .durationLessThanOrEquals: lhs <= rhs
        default: false
        }
    }
}

/// Equality, numeric and duration operators.
enum ConditionComparison {
    static func equals(_ key: JSONValue, _ value: JSONValue) -> Bool {
        switch key {
        case .bool(let flag): return value.boolValue == flag
        case .int, .double:
            let number = key.doubleValue ?? 0
            switch value {
            case .int, .double: return value.doubleValue == number
            case .string(let text): return GoNumber.parseFloat(text) == number
            default: return false
            }
        case .string(let text):
            if let (lhs, rhs) = durations(key, value) { return lhs == rhs }
            if let quantity = try? Quantity(parsing: text), case .string(let other) = value {
                guard let parsed = try? Quantity(parsing: other) else { return false }
                return quantity == parsed
            }
            if case .string(let pattern) = value { return Wildcard.matches(pattern, text) }
            return false
        case .object:
            guard case .object = value else { return false }
            return key == value
        case .array:
            guard case .array = value else { return false }
            return key == value
        case .null:
            return false
        }
    }

    static func notEquals(_ key: JSONValue, _ value: JSONValue) -> Bool {
        switch key {
        case .bool(let flag):
            guard let other = value.boolValue else { return true }
            return other != flag
        case .int, .double:
            let number = key.doubleValue ?? 0
            switch value {
            case .int, .double: return value.doubleValue != number
            case .string(let text):
                guard let parsed = GoNumber.parseFloat(text) else { return true }
                return parsed != number
            default: return true
            }
        case .string(let text):
            if let (lhs, rhs) = durations(key, value) { return lhs != rhs }
            if let quantity = try? Quantity(parsing: text), case .string(let other) = value {
                if other.isEmpty { return !Wildcard.matches(other, text) }
                guard let parsed = try? Quantity(parsing: other) else { return true }
                return quantity != parsed
            }
            if case .string(let pattern) = value { return !Wildcard.matches(pattern, text) }
            return true
        case .object:
            guard case .object = value else { return true }
            return key != value
        case .array:
            guard case .array = value else { return true }
            return key != value
        case .null:
            return false
        }
    }

    static func numeric(_ key: JSONValue, _ value: JSONValue, _ op: ConditionOperator) -> Bool {
        switch key {
        case .int, .double: return numeric(key.doubleValue ?? 0, value, op)
        case .string(let text):
            if let (lhs, rhs) = durations(key, value) { return op.compare(lhs, rhs) }
            if case .string(let other) = value, let lhs = try? Quantity(parsing: text),
                let rhs = try? Quantity(parsing: other)
            {
                return op.compare(lhs, rhs)
            }
            if let number = GoNumber.parseFloat(text) { return numeric(number, value, op) }
            if let version = try? SemanticVersion(parsing: text) {
                guard case .string(let other) = value, let rhs = try? SemanticVersion(parsing: other) else {
                    return false
                }
                return op.compare(version, rhs)
            }
            return false
        default:
            return false
        }
    }

    private static func numeric(_ key: Double, _ value: JSONValue, _ op: ConditionOperator) -> Bool {
        switch value {
        case .int, .double: return op.compare(key, value.doubleValue ?? 0)
        case .string(let text):
            if let (lhs, rhs) = durations(.double(key), value) { return op.compare(lhs, rhs) }
            if let number = GoNumber.parseFloat(text) { return op.compare(key, number) }
            return false
        default: return false
        }
    }

    static func duration(_ key: JSONValue, _ value: JSONValue, _ op: ConditionOperator) -> Bool {
        let lhs: Int64
        switch key {
        case .int, .double: lhs = seconds(key.doubleValue ?? 0)
        case .string(let text):
            guard let parsed = try? GoDuration(parsing: text) else { return false }
            lhs = parsed.nanoseconds
        default: return false
        }
        switch value {
        case .int, .double: return op.compare(lhs, seconds(value.doubleValue ?? 0))
        case .string(let text):
            guard let parsed = try? GoDuration(parsing: text) else { return false }
            return op.compare(lhs, parsed.nanoseconds)
        default: return false
        }
    }

    /// `time.Duration(x) * time.Second`: the float is truncated to whole seconds first.
    private static func seconds(_ value: Double) -> Int64 {
        guard value.isFinite, abs(value) < 9.2e9 else { return value < 0 ? Int64.min : Int64.max }
        return Int64(value.rounded(.towardZero)) * GoDuration.second
    }

    /// Kyverno's `parseDuration`: at least one side is a duration string (other than "0"); the other is a
    /// duration string or a number of seconds. Compared in seconds.
    private static func durations(_ key: JSONValue, _ value: JSONValue) -> (Double, Double)? {
        func parse(_ side: JSONValue) -> Double? {
            guard case .string(let text) = side, text != "0", let duration = try? GoDuration(parsing: text) else {
                return nil
            }
            return duration.seconds
        }
        func numberSeconds(_ side: JSONValue) -> Double? {
            guard let number = side.doubleValue else { return nil }
            return Double(seconds(number) / GoDuration.second)
        }
        let keyDuration = parse(key)
        let valueDuration = parse(value)
        if keyDuration == nil && valueDuration == nil { return nil }
        guard let lhs = keyDuration ?? numberSeconds(key), let rhs = valueDuration ?? numberSeconds(value) else {
            return nil
        }
        return (lhs, rhs)
    }
}
