/// Finds `{{ ... }}` variables in a string exactly as Kyverno's `RegexVariables`
/// (`(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})`) does: a variable not preceded by a backslash; the match
/// includes the preceding character, which a following match cannot reuse.
enum VariableScanner {
    struct Match {
        /// The matched text including the preceding character, when there is one.
        var text: Substring
        /// The `{{...}}` part.
        var variable: Substring
        /// The preceding character, empty at the start of the string.
        var prefix: Substring
    }

    static func matches(in text: String) -> [Match] {
        var result: [Match] = []
        let scalars = Array(text.utf8)
        var searchStart = 0
        var index = 0
        while index + 1 < scalars.count {
            guard scalars[index] == UInt8(ascii: "{"), scalars[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            let hasPrefix = index > 0
            if hasPrefix, index - 1 < searchStart || scalars[index - 1] == UInt8(ascii: "\\") {
                index += 1
                continue
            }
            guard let end = variableEnd(scalars, from: index) else {
                index += 1
                continue
            }
            let utf8 = text.utf8
            let matchStart = utf8.index(utf8.startIndex, offsetBy: hasPrefix ? index - 1 : index)
            let variableStart = utf8.index(utf8.startIndex, offsetBy: index)
            let matchEnd = utf8.index(utf8.startIndex, offsetBy: end)
            result.append(
                Match(
                    text: text[matchStart..<matchEnd], variable: text[variableStart..<matchEnd],
                    prefix: text[matchStart..<variableStart]))
            searchStart = end
            index = end
        }
        return result
    }

    /// Whether the string contains a variable at all (cheap check for compiled patterns).
    static func containsVariable(_ text: String) -> Bool {
        text.utf8.count >= 4 && !matches(in: text).isEmpty
    }

    /// The end offset (exclusive) of a `{{...}}` that starts at `start`, or nil.
    private static func variableEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 2
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        while index < bytes.count {
            let byte = bytes[index]
            if byte == close {
                return index + 1 < bytes.count && bytes[index + 1] == close ? index + 2 : nil
            }
            if byte == open {
                var inner = index + 1
                while inner < bytes.count, bytes[inner] != open, bytes[inner] != close { inner += 1 }
                guard inner < bytes.count, bytes[inner] == close else { return nil }
                index = inner + 1
                continue
            }
            index += 1
        }
        return nil
    }

    /// Kyverno's `replaceBracesAndTrimSpaces`: the expression inside the braces, and whether it is a
    /// shallow substitution (`{{- ...}}`).
    static func expression(of variable: Substring) -> (expression: String, shallow: Bool) {
        // A match always starts with `{{` and ends with `}}`; braces inside are only removed in pairs.
        var inner = String(variable.dropFirst(2).dropLast(2))
        if inner.containsBytes("{{") || inner.containsBytes("}}") {
            inner = inner.replacing("{{", with: "").replacing("}}", with: "")
        }
        var text = inner.trimmingWhitespace()
        if text.hasPrefix("-") {
            text = String(text.dropFirst()).trimmingWhitespace()
            return (text, true)
        }
        return (text, false)
    }
}
