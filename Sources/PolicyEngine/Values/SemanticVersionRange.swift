import KubeValues

/// A version range in `blang/semver` v4 syntax: comparisons (`>=1.2.3`, `!1.0.0`, `=`, `==`, `!=`, `<`,
/// `<=`, `>`) separated by spaces (AND) and `||` (OR), with `x` wildcards (`1.2.x`, `>=4.1.x`, `3.x`).
///
/// Wildcards expand exactly as blang/semver expands them, quirks included: `!=1.2.x` becomes
/// `<1.2.0 >=1.3.0` joined by AND (so it matches nothing), and `4.x.x` counts as a patch wildcard.
public struct SemanticVersionRange: Sendable {
    private enum Comparator: Sendable {
        case equal, notEqual, greater, greaterOrEqual, less, lessOrEqual
    }

    private struct Comparison: Sendable {
        var comparator: Comparator
        var version: SemanticVersion
    }

    /// OR of ANDs.
    private let alternatives: [[Comparison]]

    /// Parses a range expression.
    /// - Throws: ``SemanticVersionError`` with blang/semver's message.
    public init(parsing text: String) throws(SemanticVersionError) {
        let parts = Self.splitAndTrim(text)
        var groups: [[String]] = []
        var last = 0
        for (index, part) in parts.enumerated() where part == "||" {
            if index == 0 { throw SemanticVersionError("First element in range is '||'") }
            groups.append(Array(parts[last..<index]))
            last = index + 1
        }
        if last == parts.count { throw SemanticVersionError("Last element in range is '||'") }
        groups.append(Array(parts[last...]))

        var alternatives: [[Comparison]] = []
        for group in groups {
            var comparisons: [Comparison] = []
            for part in try Self.expandWildcards(group) {
                let (operatorText, versionText) = try Self.splitComparator(part)
                guard let comparator = Self.comparator(operatorText) else {
                    throw SemanticVersionError(
                        "Could not parse Range \"\(part)\": Could not parse comparator \"\(operatorText)\" in \"\(operatorText)\(versionText)\""
                    )
                }
                do {
                    comparisons.append(
                        Comparison(comparator: comparator, version: try SemanticVersion(parsing: versionText)))
                } catch {
                    throw SemanticVersionError(
                        "Could not parse Range \"\(part)\": Could not parse version \"\(versionText)\" in \"\(operatorText)\(versionText)\": \(error.message)"
                    )
                }
            }
            alternatives.append(comparisons)
        }
        self.alternatives = alternatives
    }

    /// Whether `version` satisfies the range.
    public func contains(_ version: SemanticVersion) -> Bool {
        alternatives.contains { group in
            group.allSatisfy { comparison in
                let order = SemanticVersion.compare(version, comparison.version)
                switch comparison.comparator {
                case .equal: return order == 0
                case .notEqual: return order != 0
                case .greater: return order > 0
                case .greaterOrEqual: return order >= 0
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                }
            }
        }
    }

    private static func comparator(_ text: String) -> Comparator? {
        switch text {
        case "", "=", "==": .equal
        case "!", "!=": .notEqual
        case ">": .greater
        case ">=": .greaterOrEqual
        case "<": .less
        case "<=": .lessOrEqual
        default: nil
        }
    }

    /// Splits on spaces, except a space after `>`, `<` or `=` (so `>= 1.0.0` stays one part), then
    /// removes the remaining spaces inside each part.
    private static func splitAndTrim(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var result: [String] = []
        var last = 0
        var lastCharacter: UInt8 = 0
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: " "),
                ![UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "=")].contains(lastCharacter)
            {
                if last < index - 1 { result.append(String(decoding: bytes[last..<index], as: UTF8.self)) }
                last = index + 1
            } else if bytes[index] != UInt8(ascii: " ") {
                lastCharacter = bytes[index]
            }
        }
        if last < bytes.count - 1 { result.append(String(decoding: bytes[last...], as: UTF8.self)) }
        return result.map { $0.filter { $0 != " " } }
    }

    /// The operator before the first digit and the version from it on.
    private static func splitComparator(_ part: String) throws(SemanticVersionError) -> (String, String) {
        guard let digit = part.firstIndex(where: { $0.unicodeScalars.first?.properties.numericType == .decimal }) else {
            throw SemanticVersionError("Could not get version from string: \"\(part)\"")
        }
        return (String(part[..<digit]).trimmingSpaces, String(part[digit...]))
    }

    private static func expandWildcards(_ parts: [String]) throws(SemanticVersionError) -> [String] {
        var expanded: [String] = []
        for part in parts {
            guard part.contains("x") else {
                expanded.append(part)
                continue
            }
            let (operatorText, versionText) = try splitComparator(part)
            let pieces = versionText.split(separator: ".", omittingEmptySubsequences: false)
            // 1 piece: major, 2: minor, 3: patch wildcard (blang counts the pieces, not the x's).
            let wildcard = pieces.last == "x" ? pieces.count : 0
            var flat = replacingFirst(".x.x", with: ".x", in: versionText)
            flat = replacingFirst(".x", with: ".0", in: flat)
            if flat.split(separator: ".", omittingEmptySubsequences: false).count == 2 { flat += ".0" }
            var resultOperator = ""
            var increment = false
            switch operatorText {
            case ">": (resultOperator, increment) = (">=", true)
            case ">=": resultOperator = ">="
            case "<": resultOperator = "<"
            case "<=": (resultOperator, increment) = ("<", true)
            case "", "=", "==":
                expanded.append(">=" + flat)
                (resultOperator, increment) = ("<", true)
            case "!=", "!":
                expanded.append("<" + flat)
                (resultOperator, increment) = (">=", true)
            default: break
            }
            var resultVersion = flat
            if increment {
                resultVersion = ""
                var numbers = flat.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                let position = wildcard == 3 ? 1 : (wildcard == 2 ? 0 : -1)
                if position >= 0, position < numbers.count, let value = Int(numbers[position]) {
                    numbers[position] = String(value + 1)
                    resultVersion = numbers.joined(separator: ".")
                }
            }
            expanded.append(resultOperator + resultVersion)
        }
        return expanded
    }

    private static func replacingFirst(_ target: String, with replacement: String, in text: String) -> String {
        guard let range = text.firstRange(of: target) else { return text }
        var result = text
        result.replaceSubrange(range, with: replacement)
        return result
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
