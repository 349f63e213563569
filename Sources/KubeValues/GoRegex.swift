/// A regular expression with Go RE2 syntax and semantics, run on Swift's `Regex`.
///
/// Kyverno's `regex_*` functions use Go's `regexp` package. The pattern is translated to Swift's regex
/// syntax so that it means what it means in Go:
/// - Constructs RE2 lacks are rejected with Go's message (`error parsing regexp: <code>: \`<text>\``):
///   backreferences (`\1`), lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`), atomic groups, possessive and
///   nested quantifiers (`a**`, `a*+`), repeat counts above 1000, and unknown escapes (`\Z`, `\k`).
/// - Go-only syntax is rewritten: `(?P<name>…)` → `(?<name>…)`, octal escapes `\012`, `\Q…\E`.
/// - Go semantics the Swift engine does not share by default: matching is on Unicode scalars (Go runes),
///   not grapheme clusters; `.` excludes only `\n`; `\d`, `\w`, `\s` and `\b` are ASCII; `$` without
///   `(?m)` matches only at the very end (`\z`), not before a final newline; `{` that does not start a
///   valid repeat is a literal; inside classes `[`, `&`, `~` and a leading `]` are literals.
/// - Searches are unanchored (``matches(_:)`` finds a match anywhere), as `regexp.MatchString`.
/// - ``replacingAll(in:with:literal:)`` skips empty matches that touch the previous match and expands
///   `$1`, `${1}`, `$name`, `${name}` and `$$` as `Regexp.Expand` does: `$1x` names the group `1x`.
///
/// Known difference: Swift's engine backtracks (and cannot be interrupted), so a pattern that repeats a
/// group whose only content is itself an unbounded repetition, such as `^(a*)*b$` or `(\\w+)+$`, takes
/// exponential time on a long non-matching input, where RE2 is linear. Such patterns are rejected with the
/// code ``GoRegexError/nestedRepetitionCode`` instead of being run; nested repetitions with other content
/// (`([a-z0-9]+\\.)*`) are accepted. Go's nesting and repeat-count limits are enforced as well.
public struct GoRegex {
    public let pattern: String
    let regex: Regex<AnyRegexOutput>
    /// Capture group names by index (index 0 is the whole match), nil for unnamed groups.
    let groupNames: [String?]

    /// Compiles a Go regular expression.
    /// - Throws: ``GoRegexError`` with Go's message for syntax Go rejects, or the Swift engine's message
    ///   when it rejects the translation.
    public init(_ pattern: String) throws(GoRegexError) {
        self.pattern = pattern
        var translator = GoRegexTranslator(pattern)
        let translated = try translator.translate()
        if let group = Self.nestedUnboundedRepetition(in: pattern) {
            throw GoRegexError(code: GoRegexError.nestedRepetitionCode, expression: group)
        }
        do {
            regex = try Regex(translated.pattern).matchingSemantics(.unicodeScalar).wordBoundaryKind(.simple)
                .asciiOnlyWordCharacters().asciiOnlyDigits()
        } catch {
            throw GoRegexError(code: "\(error)", expression: pattern)
        }
        groupNames = [nil] + translated.groupNames
    }

    /// Whether the expression matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// The leftmost-first match (Go's `FindString`), nil when there is none.
    public func firstMatch(in text: String) -> Range<String.Index>? {
        (try? regex.firstMatch(in: text))?.range
    }

    /// Every match, leftmost-first and non-overlapping, without empty matches that touch the previous
    /// match (Go's rule), as scalar-index ranges with their capture ranges (nil when a group did not take
    /// part).
    public func allMatches(in text: String) -> [[Range<String.Index>?]] {
        var results: [[Range<String.Index>?]] = []
        var previousEnd: String.Index?
        for match in text.matches(of: regex) {
            if match.range.isEmpty, match.range.lowerBound == previousEnd { continue }
            previousEnd = match.range.upperBound
            results.append(match.output.map(\.range))
        }
        return results
    }

    /// Replaces every match with `template`, expanded as Go's `Regexp.Expand` unless `literal`.
    public func replacingAll(in text: String, with template: String, literal: Bool) -> String {
        var output = String.UnicodeScalarView()
        var cursor = text.startIndex
        for captures in allMatches(in: text) {
            guard let whole = captures.first ?? nil else { continue }
            output.append(contentsOf: text.unicodeScalars[cursor..<whole.lowerBound])
            if literal {
                output.append(contentsOf: template.unicodeScalars)
            } else {
                output.append(contentsOf: expand(template, captures: captures, in: text).unicodeScalars)
            }
            cursor = whole.upperBound
        }
        output.append(contentsOf: text.unicodeScalars[cursor...])
        return String(output)
    }

    /// Go's `Regexp.Expand` of `template` for one match.
    func expand(_ template: String, captures: [Range<String.Index>?], in text: String) -> String {
        let scalars = Array(template.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
        }
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$", index + 1 < scalars.count else {
                output.append(scalar)
                index += 1
                continue
            }
            if scalars[index + 1] == "$" {
                output.append("$")
                index += 2
                continue
            }
            var name = ""
            var next = index + 1
            if scalars[next] == "{" {
                var end = next + 1
                while end < scalars.count, isNameScalar(scalars[end]) { end += 1 }
                if end < scalars.count, scalars[end] == "}", end > next + 1 {
                    name = String(String.UnicodeScalarView(scalars[(next + 1)..<end]))
                    next = end + 1
                }
            } else {
                var end = next
                while end < scalars.count, isNameScalar(scalars[end]) { end += 1 }
                if end > next {
                    name = String(String.UnicodeScalarView(scalars[next..<end]))
                    next = end
                }
            }
            if name.isEmpty {
                // Malformed: the `$` is kept as text.
                output.append("$")
                index += 1
                continue
            }
            index = next
            if let range = captureRange(named: name, captures: captures) {
                output.append(contentsOf: text.unicodeScalars[range])
            }
        }
        return String(output)
    }

    private func captureRange(named name: String, captures: [Range<String.Index>?]) -> Range<String.Index>? {
        var number = 0
        var numeric = true
        for scalar in name.unicodeScalars {
            guard let digit = scalar.digitValue, number < 100_000_000 else {
                numeric = false
                break
            }
            number = number * 10 + digit
        }
        if numeric {
            return number < captures.count ? captures[number] : nil
        }
        guard let index = groupNames.firstIndex(where: { $0 == name }), index < captures.count else { return nil }
        return captures[index]
    }
}

/// A pattern Go's `regexp` (or the Swift engine behind ``GoRegex``) rejects.
public struct GoRegexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The code for patterns Vigil refuses because its backtracking engine would take exponential time.
    public static let nestedRepetitionCode =
        "nested unbounded repetition is not supported (exponential backtracking in Vigil's regex engine)"

    /// Go's error code text, such as `invalid escape sequence`.
    public var code: String
    /// The offending part of the pattern.
    public var expression: String

    public init(code: String, expression: String) {
        self.code = code
        self.expression = expression
    }

    /// `error parsing regexp: <code>: \`<expression>\``, as Go prints it.
    public var description: String { "error parsing regexp: \(code): `\(expression)`" }
}

extension Unicode.Scalar {
    /// The value of an ASCII decimal digit, or nil.
    var digitValue: Int? {
        guard value >= 48, value <= 57 else { return nil }
        return Int(value - 48)
    }
}
