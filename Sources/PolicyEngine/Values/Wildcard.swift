/// A Kyverno wildcard pattern: `*` matches any run of characters (including none and `/`), `?` exactly one
/// character, everything else itself; the whole text must match.
///
/// Same semantics as the `IGLOU-EU/go-wildcard` v1.0.3 matcher Kyverno uses for `pattern_match`, resource
/// filters and validate patterns (characters are Unicode scalars, as Go's runes). An empty pattern matches
/// only empty text. Matching is iterative with single backtracking, O(pattern × text) at worst.
public struct Wildcard: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.scalars = Array(pattern.unicodeScalars)
    }

    public var description: String { pattern }

    /// True when the pattern contains `*` or `?`.
    public var containsWildcards: Bool {
        scalars.contains { $0 == "*" || $0 == "?" }
    }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        let text = Array(text.unicodeScalars)
        var patternIndex = 0
        var textIndex = 0
        var starPattern = -1
        var starText = 0
        while textIndex < text.count {
            if patternIndex < scalars.count, scalars[patternIndex] == "*" {
                starPattern = patternIndex
                starText = textIndex
                patternIndex += 1
            } else if patternIndex < scalars.count,
                scalars[patternIndex] == "?" || scalars[patternIndex] == text[textIndex]
            {
                patternIndex += 1
                textIndex += 1
            } else if starPattern >= 0 {
                patternIndex = starPattern + 1
                starText += 1
                textIndex = starText
            } else {
                return false
            }
        }
        while patternIndex < scalars.count, scalars[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == scalars.count
    }

    /// Whether `text` matches `pattern`.
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        Wildcard(pattern).matches(text)
    }
}
