extension GoRegex {
    /// The first group (as written) that is repeated without bound and whose whole content is one atom
    /// repeated without bound, such as `(a*)*`, `(?:\w+)+` or `([0-9]+){2,}`: the shape that makes a
    /// backtracking engine take exponential time. Nil when the pattern has none.
    ///
    /// The scan is linear in the pattern: one pass tracking the open groups on a stack.
    static func nestedUnboundedRepetition(in pattern: String) -> String? {
        let scalars = Array(pattern.unicodeScalars)
        var openGroups: [Int] = []
        var index = 0
        while index < scalars.count {
            switch scalars[index] {
            case "\\":
                index += 2
                continue
            case "[":
                index = endOfClass(scalars, from: index)
                continue
            case "(":
                openGroups.append(index)
            case ")":
                guard let start = openGroups.popLast() else { break }
                let after = index + 1
                if isUnboundedQuantifier(scalars, at: after),
                    bodyIsUnboundedRepetition(Array(scalars[(start + 1)..<index]))
                {
                    let end = min(scalars.count, after + quantifierLength(scalars, at: after))
                    return String(String.UnicodeScalarView(scalars[start..<end]))
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The index after the character class that starts at `start` (`]` right after `[` or `[^` is literal).
    private static func endOfClass(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start + 1
        if index < scalars.count, scalars[index] == "^" { index += 1 }
        if index < scalars.count, scalars[index] == "]" { index += 1 }
        while index < scalars.count {
            if scalars[index] == "\\" {
                index += 2
                continue
            }
            if scalars[index] == "[", index + 1 < scalars.count, scalars[index + 1] == ":" {
                // A POSIX class such as [:alpha:] inside the class.
                var inner = index + 2
                while inner + 1 < scalars.count, !(scalars[inner] == ":" && scalars[inner + 1] == "]") { inner += 1 }
                index = inner + 2
                continue
            }
            if scalars[index] == "]" { return index + 1 }
            index += 1
        }
        return index
    }

    /// `*`, `+` or `{n,}` at `index`.
    private static func isUnboundedQuantifier(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index < scalars.count else { return false }
        if scalars[index] == "*" || scalars[index] == "+" { return true }
        guard scalars[index] == "{" else { return false }
        var cursor = index + 1
        var digits = 0
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
            cursor += 1
            digits += 1
        }
        return digits > 0 && cursor + 1 < scalars.count && scalars[cursor] == "," && scalars[cursor + 1] == "}"
    }

    private static func quantifierLength(_ scalars: [Unicode.Scalar], at index: Int) -> Int {
        guard scalars[index] == "{" else { return 1 }
        var cursor = index
        while cursor < scalars.count, scalars[cursor] != "}" { cursor += 1 }
        return cursor - index + 1
    }

    /// Whether a group body (without its parentheses) is one atom followed by an unbounded quantifier,
    /// after a group prefix such as `?:`, `?P<name>` or `?i:`.
    private static func bodyIsUnboundedRepetition(_ body: [Unicode.Scalar]) -> Bool {
        var start = 0
        if body.first == "?" {
            guard let colon = body.firstIndex(of: ":"), !body[..<colon].contains("(") else {
                if body.count > 1, body[1] == "P" || body[1] == "<", let close = body.firstIndex(of: ">") {
                    start = close + 1
                    return atomThenUnbounded(Array(body[start...]))
                }
                return false
            }
            start = colon + 1
        }
        return atomThenUnbounded(Array(body[start...]))
    }

    private static func atomThenUnbounded(_ body: [Unicode.Scalar]) -> Bool {
        guard let first = body.first else { return false }
        let atomEnd: Int
        switch first {
        case "\\": atomEnd = min(body.count, 2)
        case "[": atomEnd = endOfClass(body, from: 0)
        case "(", ")", "|", "*", "+", "?", "{": return false
        default: atomEnd = 1
        }
        guard atomEnd < body.count, isUnboundedQuantifier(body, at: atomEnd) else { return false }
        var end = atomEnd + quantifierLength(body, at: atomEnd)
        if end < body.count, body[end] == "?" { end += 1 }  // lazy quantifier
        return end == body.count
    }
}
