import JSONValue
import Testing

@testable import KubeValues

/// Patterns whose backtracking would take exponential time are refused with a clear error instead of hanging;
/// nested repetitions that cannot blow up still run.
struct GoRegexComplexityTests {
    @Test(arguments: [
        ("^(a*)*b$", "(a*)*"), ("(\\w+)+$", "(\\w+)+"), ("x(?:[0-9]+){2,}y", "(?:[0-9]+){2,}"),
        ("(?P<word>[a-z]+?)*", "(?P<word>[a-z]+?)*"),
    ])
    func pathologicalPatternsAreRefused(pattern: String, group: String) {
        #expect(throws: GoRegexError(code: GoRegexError.nestedRepetitionCode, expression: group)) {
            try GoRegex(pattern)
        }
    }

    @Test func refusalReachesTheJMESPathFunction() {
        // A long non-matching input that would take far longer than the test timeout to backtrack through.
        let input = String(repeating: "a", count: 64)
        let message = errorMessage("regex_match", "^(a*)*b$", .string(input))
        #expect(message?.contains("nested unbounded repetition is not supported") == true)
    }

    @Test(arguments: ["^([a-z0-9]+\\.)*[a-z]+$", "(ab*)+", "[(a*)*]+", "\\(a*\\)*", "(a{2})*", "^(?:a|b)*$"])
    func otherNestingStillRuns(pattern: String) throws {
        let regex = try GoRegex(pattern)
        _ = regex.matches(String(repeating: "a", count: 64) + "!")
    }

    @Test func domainPatternMatchesAsInGo() throws {
        let regex = try GoRegex("^([a-z0-9]+\\.)*[a-z]+$")
        #expect(regex.matches("registry.example.com"))
        #expect(!regex.matches("registry..com"))
    }
}
