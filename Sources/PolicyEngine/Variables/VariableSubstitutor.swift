import JSONValue

/// Kyverno's `SubstituteAll`: resolves `$(...)` references and `{{ ... }}` variables in every key and
/// string of a document. A string that is exactly one variable takes the variable's value (of any type);
/// otherwise values are spliced in as text (JSON for non-strings). Results are scanned again, so variables
/// can nest; `\{{` escapes a variable and becomes `{{` at the end.
struct VariableSubstitutor {
    let context: EvaluationContext

    /// Nesting limit for values that produce more variables.
    static let maximumRounds = 100

    func substituteAll(_ document: JSONValue) throws(EvaluationError) -> JSONValue {
        guard Self.containsMarkers(document) else { return document }
        let referenced = try ReferenceResolver(document: document).resolveAll()
        return try substitute(referenced, path: "")
    }

    /// Whether any key or string holds `{{` or `$(`; documents without them are returned as they are.
    static func containsMarkers(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return hasMarker(text)
        case .array(let elements): return elements.contains(where: containsMarkers)
        case .object(let object): return object.contains { hasMarker($0.key) || containsMarkers($0.value) }
        default: return false
        }
    }

    private static func hasMarker(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "{") && previous == UInt8(ascii: "{") { return true }
            if byte == UInt8(ascii: "(") && previous == UInt8(ascii: "$") { return true }
            previous = byte
        }
        return false
    }

    /// Substitutes one string (a message): the result is the string, or the value when the whole string is
    /// one variable.
    func substitute(string: String) throws(EvaluationError) -> JSONValue {
        try substitute(.string(string), path: "")
    }

    private func substitute(_ value: JSONValue, path: String) throws(EvaluationError) -> JSONValue {
        switch value {
        case .string(let text):
            let substituted = try substituteLeaf(text, path: path)
            switch substituted {
            case .object, .array: return try substitute(substituted, path: path)
            default: return substituted
            }
        case .array(let elements):
            var result: [JSONValue] = []
            result.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                result.append(try substitute(element, path: path + "/" + String(index)))
            }
            return .array(result)
        case .object(let object):
            var result = JSONObject()
            result.reserveCapacity(object.count)
            for (key, member) in object {
                var newKey = key
                if key.containsBytes("{{") {
                    guard case .string(let text) = try substituteLeaf(key, path: path) else {
                        throw EvaluationError("expected string after substituting variables in key \"\(key)\"")
                    }
                    newKey = text
                }
                let escapedKey = key.replacing("/", with: "\\/")
                result[newKey] = try substitute(member, path: path + "/" + escapedKey)
            }
            return .object(result)
        default:
            return value
        }
    }

    /// Kyverno's `substituteVariablesIfAny` for one string.
    func substituteLeaf(_ original: String, path: String) throws(EvaluationError) -> JSONValue {
        var value = original
        var matches = VariableScanner.matches(in: value)
        var rounds = 0
        while !matches.isEmpty {
            rounds += 1
            if rounds > Self.maximumRounds {
                throw EvaluationError("failed to resolve variables at path \(path): too many nested substitutions")
            }
            let current = value
            var shallow = false
            for match in matches {
                let parsed = VariableScanner.expression(of: match.variable)
                shallow = parsed.shallow
                var expression = parsed.expression
                if expression == "@" {
                    expression = atPath(path)
                }
                let resolved: JSONValue
                do {
                    resolved = try context.query(expression)
                } catch {
                    throw EvaluationError(
                        "failed to resolve \(expression) at path \(path): \(error.message)",
                        isNotFound: error.isNotFound)
                }
                if current == String(match.variable) { return resolved }
                var text: String
                if case .string(let string) = resolved {
                    text = string
                } else {
                    text = resolved.serialized(options: JSONSerializationOptions(sortedKeys: true))
                }
                if shallow, text.containsBytes("{{") { text = text.replacing("{{", with: "\\{{") }
                value = value.replacingFirst(String(match.text), with: String(match.prefix) + text)
            }
            matches = shallow ? [] : VariableScanner.matches(in: value)
        }
        return .string(value.containsBytes("\\{{") ? value.replacing("\\{{", with: "{{") : value)
    }

    /// `{{@}}`: the JMESPath of the current position, under `target` when the context has it and
    /// `request.object` otherwise, skipping the policy path up to and including `foreach/<n>/<field>`.
    private func atPath(_ path: String) -> String {
        var components = path.split(separator: "/").map(String.init)
        if let foreach = components.firstIndex(of: "foreach") {
            components = Array(components.dropFirst(min(components.count, foreach + 3)))
        }
        var result = context.has("target") ? "target" : "request.object"
        for component in components {
            if let index = Int(component) {
                result += "[\(index)]"
            } else {
                result += "." + component
            }
        }
        return result
    }
}
