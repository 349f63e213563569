import JSONValue
import KubeValues

/// Kyverno's `pattern.Validate`: whether one resource value satisfies one scalar pattern value.
///
/// Pattern numbers behave as Go float64 (Kyverno decodes patterns with Go's JSON decoder). String
/// patterns support `|` (or), `&` (and), the operators `>`, `<`, `>=`, `<=`, `!`, ranges `a-b` and
/// `a!-b`, Go durations, Kubernetes quantities and `*`/`?` wildcards.
enum ValuePattern {
    static func validate(_ value: JSONValue, _ pattern: JSONValue) -> Bool {
        switch pattern {
        case .bool(let expected):
            return value.boolValue == expected
        case .int(let number):
            return validateNumber(value, Double(number))
        case .double(let number):
            return validateNumber(value, number)
        case .null:
            switch value {
            case .double(let number): return number == 0
            case .int(let number): return number == 0
            case .string(let text): return text.isEmpty
            case .bool(let flag): return !flag
            case .null: return true
            case .object, .array: return false
            }
        case .object:
            return value.objectValue != nil
        case .string(let text):
            return validateStringPatterns(value, text)
        case .array:
            return false
        }
    }

    private static func validateNumber(_ value: JSONValue, _ pattern: Double) -> Bool {
        switch value {
        case .int(let number):
            guard pattern.rounded(.towardZero) == pattern else { return false }
            return Double(number) == pattern
        case .double(let number): return number == pattern
        case .string(let text):
            guard let parsed = GoNumber.parseFloat(text) else { return false }
            return parsed == pattern
        default: return false
        }
    }

    static func validateStringPatterns(_ value: JSONValue, _ pattern: String) -> Bool {
        if case .string(let text) = value, text == pattern { return true }
        for alternative in pattern.split(separator: "|", omittingEmptySubsequences: false) {
            let condition = alternative.trimmingCharacters(" ")
            let all = condition.split(separator: "&", omittingEmptySubsequences: false).allSatisfy { part in
                validateStringPattern(value, String(part).trimmingCharacters(" "))
            }
            if all { return true }
        }
        return false
    }

    static func validateStringPattern(_ value: JSONValue, _ pattern: String) -> Bool {
        let op = ValueOperator.prefix(of: pattern)
        switch op {
        case .inRange(let left, let right):
            return validateStringPattern(value, ">= " + left) && validateStringPattern(value, "<= " + right)
        case .notInRange(let left, let right):
            return validateStringPattern(value, "< " + left) || validateStringPattern(value, "> " + right)
        default:
            let operand = String(pattern.dropFirst(op.text.count)).trimmingWhitespace()
            return validateString(value, operand, op)
        }
    }

    private static func validateString(_ value: JSONValue, _ pattern: String, _ op: ValueOperator) -> Bool {
        if let result = compareDuration(value, pattern, op) { return result }
        if let result = compareQuantity(value, pattern, op) { return result }
        return compareString(value, pattern, op)
    }

    private static func compare<T: Comparable>(_ lhs: T, _ rhs: T, _ op: ValueOperator) -> Bool? {
        switch op {
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        case .more: lhs > rhs
        case .less: lhs < rhs
        case .moreEqual: lhs >= rhs
        case .lessEqual: lhs <= rhs
        default: nil
        }
    }

    private static func compareDuration(_ value: JSONValue, _ pattern: String, _ op: ValueOperator) -> Bool? {
        guard let expected = try? GoDuration(parsing: pattern), let text = numberToString(value),
            let actual = try? GoDuration(parsing: text)
        else { return nil }
        return compare(actual, expected, op)
    }

    private static func compareQuantity(_ value: JSONValue, _ pattern: String, _ op: ValueOperator) -> Bool? {
        guard let expected = try? Quantity(parsing: pattern), let text = numberToString(value),
            let actual = try? Quantity(parsing: text)
        else { return nil }
        return compare(actual, expected, op)
    }

    private static func compareString(_ value: JSONValue, _ pattern: String, _ op: ValueOperator) -> Bool {
        guard op == .equal || op == .notEqual else { return false }
        let text: String
        switch value {
        case .double(let number): text = GoNumber.formatE(number)
        case .int(let number): text = String(number)
        case .string(let string): text = string
        case .bool(let flag): text = flag ? "true" : "false"
        default: return false
        }
        let matched = Wildcard.matches(pattern, text)
        return op == .notEqual ? !matched : matched
    }

    /// Kyverno's `convertNumberToString`: null is "0", floats use `%f`.
    private static func numberToString(_ value: JSONValue) -> String? {
        switch value {
        case .null: "0"
        case .string(let text): text
        case .double(let number): GoFormat.fixed6(number)
        case .int(let number): String(number)
        default: nil
        }
    }
}

extension StringProtocol {
    /// Trims the given character from both ends (Go's `strings.Trim(s, " ")`).
    func trimmingCharacters(_ character: Character) -> String {
        guard let start = firstIndex(where: { $0 != character }), let end = lastIndex(where: { $0 != character })
        else { return "" }
        return String(self[start...end])
    }
}
