import JSONValue

/// The set operators `In`, `NotIn`, `AnyIn`, `AnyNotIn`, `AllIn`, `AllNotIn`, with Kyverno's wildcard
/// matching in both directions, JSON-array strings, and numeric ranges (`1-10`) for the Any/All forms.
enum ConditionMembership {
    /// `fmt.Sprint` of a condition value (numbers as Go floats).
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .int(let number): GoFloatFormat.goV(Double(number))
        case .double(let number): GoFloatFormat.goV(number)
        case .array(let elements): "[" + elements.map(text).joined(separator: " ") + "]"
        default: GoFormat.sprint(value)
        }
    }

    private static func scalarKey(_ key: JSONValue) -> String? {
        switch key {
        case .string(let string): string
        case .int, .double, .bool: text(key)
        default: nil
        }
    }

    private static func wildcardEither(_ lhs: String, _ rhs: String) -> Bool {
        Wildcard.matches(lhs, rhs) || Wildcard.matches(rhs, lhs)
    }

    /// A JSON array of strings in a string value; nil when the string is not one.
    private static func stringArray(_ text: String) -> [String]? {
        guard let parsed = try? JSONValue.parse(text), case .array(let elements) = parsed else { return nil }
        var result: [String] = []
        for element in elements {
            guard case .string(let string) = element else { return nil }
            result.append(string)
        }
        return result
    }

    private static func isValidJSON(_ text: String) -> Bool {
        (try? JSONValue.parse(text)) != nil
    }

    private static func isRange(_ text: String) -> Bool {
        if case .inRange = ValueOperator.prefix(of: text) { return true }
        return false
    }

    // MARK: In / NotIn

    static func `in`(_ key: JSONValue, _ value: JSONValue, negated: Bool) -> Bool {
        if let key = scalarKey(key) {
            guard let exists = keyExists(key, value) else { return false }
            return negated ? !exists : exists
        }
        guard case .array(let elements) = key else { return false }
        let keys = elements.map { $0.stringValue ?? text($0) }
        let available: [String]
        switch value {
        case .array(let values):
            var strings: [String] = []
            for element in values {
                guard case .string(let string) = element else { return false }
                strings.append(string)
            }
            available = strings
        case .string(let string):
            if keys.count == 1, keys[0] == string { return true }
            guard let parsed = stringArray(string) else { return false }
            available = parsed
        default:
            return false
        }
        let set = Set(available)
        return negated ? keys.contains { !set.contains($0) } : keys.allSatisfy(set.contains)
    }

    /// Kyverno's `keyExistsInArray`; nil for an invalid value type.
    private static func keyExists(_ key: String, _ value: JSONValue) -> Bool? {
        switch value {
        case .array(let elements):
            return elements.contains { wildcardEither(text($0), key) }
        case .string(let string):
            if Wildcard.matches(string, key) { return true }
            guard let parsed = stringArray(string) else { return nil }
            return parsed.contains(key)
        default:
            return nil
        }
    }

    // MARK: AnyIn / AnyNotIn / AllIn / AllNotIn

    /// Kyverno's `anyKeyExistsInArray` (also `allKeyExistsInArray`, which is identical); nil when invalid.
    private static func scalarExists(_ key: String, _ value: JSONValue) -> Bool? {
        switch value {
        case .array(let elements):
            return elements.contains { wildcardEither(text($0), key) }
        case .string(let string):
            if Wildcard.matches(string, key) { return true }
            if isRange(string) { return ValuePattern.validate(.string(key), value) }
            var available = [string]
            if isValidJSON(string) {
                guard let parsed = stringArray(string) else { return nil }
                available = parsed
            }
            return available.contains(key)
        default:
            return nil
        }
    }

    static func anyIn(_ key: JSONValue, _ value: JSONValue, negated: Bool) -> Bool {
        membership(key, value, negated: negated, acceptsScalarValue: true) { keys, range in
            if negated {
                let inverted = range.replacingFirst("-", with: "!-")
                return keys.contains { ValuePattern.validate(.string($0), .string(inverted)) }
            }
            return keys.contains { ValuePattern.validate(.string($0), .string(range)) }
        } found: { keys, available in
            let found = keys.map { key in available.contains { wildcardEither(key, $0) } }
            return negated ? found.contains(false) : found.contains(true)
        }
    }

    static func allIn(_ key: JSONValue, _ value: JSONValue, negated: Bool) -> Bool {
        membership(key, value, negated: negated, acceptsScalarValue: false) { keys, range in
            let inRange = keys.map { ValuePattern.validate(.string($0), .string(range)) }
            return negated ? !inRange.contains(true) : inRange.allSatisfy { $0 }
        } found: { keys, available in
            if negated {
                return !keys.contains { key in available.contains { wildcardEither(key, $0) } }
            }
            return keys.allSatisfy { key in available.contains { wildcardEither(key, $0) } }
        }
    }

    /// What `AnyIn` and `AllIn` share: a scalar key is looked up at once; a list key's elements (as text) are
    /// decided by `inRange` against a range value (`1-3`), or by `found` against the texts of `value` (a
    /// list, a JSON list in a string, a string, or, with `acceptsScalarValue`, a number or boolean).
    private static func membership(
        _ key: JSONValue, _ value: JSONValue, negated: Bool, acceptsScalarValue: Bool,
        inRange: (_ keys: [String], _ range: String) -> Bool,
        found: (_ keys: [String], _ available: [String]) -> Bool
    ) -> Bool {
        if let key = scalarKey(key) {
            guard let exists = scalarExists(key, value) else { return false }
            return negated ? !exists : exists
        }
        guard case .array(let elements) = key else { return false }
        let keys = elements.map(text)
        let available: [String]
        switch value {
        case .array(let values): available = values.map(text)
        case .int, .double, .bool:
            guard acceptsScalarValue else { return false }
            available = [text(value)]
        case .string(let string):
            if keys.count == 1, keys[0] == string { return !negated }
            if isRange(string) { return inRange(keys, string) }
            if isValidJSON(string) {
                guard let parsed = stringArray(string) else { return false }
                available = parsed
            } else {
                available = [string]
            }
        default:
            return false
        }
        return found(keys, available)
    }
}
