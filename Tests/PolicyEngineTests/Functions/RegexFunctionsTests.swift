import JMESPath
import JSONValue
import KubeValues
import PolicyEngine
import Testing

/// Kyverno's regex cases and the RE2 semantics GoRegex documents.
struct RegexFunctionsTests {
    @Test(arguments: [
        ("12.*", "hgf'b1a2r'b12g" as JSONValue, true), ("12.*", 12.0, true), ("^abc$", "abc", true),
        ("^abc$", "abc\n", false), ("(?m)^b$", "a\nb\nc", true), ("a.c", "a\nc", false), ("(?s)a.c", "a\nc", true),
        ("\\d+", "١٢٣", false), ("\\w", "é", false), ("(?i)ABC", "xabcx", true), ("a{,2}", "a{,2}", true),
        ("[[:digit:]]x", "5x", true), ("[a-c&&b]", "&", true), ("^[^\\s]+$", "no-space", true),
        ("(?P<first>a)b", "ab", true), ("x\\z", "x", true), ("\\x41", "A", true), ("\\101", "A", true),
        ("\\Qa.b\\E", "a.b", true), ("\\Qa.b\\E", "axb", false), ("\\pL", "é", true), ("é", "e\u{301}", false),
        ("16777216", 16777217, true), ("((a{10}b)*c){100}", "x", false), ("(a{0}){1000}", "", true),
    ])
    func regexMatch(pattern: String, value: JSONValue, expected: Bool) throws {
        #expect(try call("regex_match", .string(pattern), value) == .bool(expected))
    }

    @Test(arguments: [
        ("a(?=b)", "invalid or unsupported Perl syntax: `(?=`"),
        ("a(?!b)", "invalid or unsupported Perl syntax: `(?!`"),
        ("(?<=a)b", "invalid named capture: `(?<=a)b`"),
        ("(a)\\1", "invalid escape sequence: `\\1`"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("a*+", "invalid nested repetition operator: `*+`"),
        ("*a", "missing argument to repetition operator: `*`"),
        ("a{1001}", "invalid repeat count: `{1001}`"),
        ("a{3,2}", "invalid repeat count: `{3,2}`"),
        ("\\Z", "invalid escape sequence: `\\Z`"),
        ("(abc", "missing closing ): `(abc`"),
        ("abc)", "unexpected ): `abc)`"),
        ("[abc", "missing closing ]: `[abc`"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("(?P<>a)", "invalid named capture: `(?P<>`"),
        ("(?x)a", "invalid or unsupported Perl syntax: `(?x`"),
        ("(a{1000}){2}", "invalid repeat count: `{2}`"),
        ("((a{10}b)*c){101}", "invalid repeat count: `{101}`"),
    ])
    func rejectsWhatGoRejects(pattern: String, code: String) {
        #expect(errorMessage("regex_match", .string(pattern), "x") == "error parsing regexp: \(code)")
    }

    @Test func replaceAllExpandsGroupsAsGo() throws {
        let field: JSONValue = "Hello world, helworldlo"
        #expect(try call("regex_replace_all", "([Hh]e|G)l", field, "${2}G") == "Glo world, Gworldlo")
        #expect(try call("regex_replace_all_literal", "[Hh]el?", field, "G") == "Glo world, Gworldlo")
        #expect(try call("regex_replace_all", "(\\w+)@(\\w+)", "me@host", "$2.$1") == "host.me")
        #expect(try call("regex_replace_all", "(\\w+)@(\\w+)", "me@host", "$1x") == "")
        #expect(try call("regex_replace_all", "(\\w+)@(\\w+)", "me@host", "${1}x") == "mex")
        #expect(try call("regex_replace_all", "(?P<user>\\w+)@(?P<host>\\w+)", "me@host", "$host/$user") == "host/me")
        #expect(try call("regex_replace_all", "a", "banana", "$$") == "b$n$n$")
        #expect(try call("regex_replace_all", "a", "banana", "$") == "b$n$n$")
        #expect(try call("regex_replace_all", "a", "banana", "${") == "b${n${n${")
        #expect(try call("regex_replace_all_literal", "(a)", "banana", "$1") == "b$1n$1n$1")
        #expect(try call("regex_replace_all", "^(\\d+)\\.(\\d+)$", 1.5, "$2.$1") == "5.1")
    }

    /// Patterns from kyverno/policies (velero/validate-cron-schedule, other/replace-image-registry), after
    /// YAML and JMESPath unescaping.
    static let cronPattern =
        #"^((?:\*|[0-5]?[0-9](?:(?:-[0-5]?[0-9])|(?:,[0-5]?[0-9])+)?)(?:\/[0-9]+)?)\s+((?:\*|(?:1?[0-9]|2[0-3])(?:(?:-(?:1?[0-9]|2[0-3]))|(?:,(?:1?[0-9]|2[0-3]))+)?)(?:\/[0-9]+)?)\s+((?:\*|(?:[1-9]|[1-2][0-9]|3[0-1])(?:(?:-(?:[1-9]|[1-2][0-9]|3[0-1]))|(?:,(?:[1-9]|[1-2][0-9]|3[0-1]))+)?)(?:\/[0-9]+)?)\s+((?:\*|(?:[1-9]|1[0-2])(?:(?:-(?:[1-9]|1[0-2]))|(?:,(?:[1-9]|1[0-2]))+)?)(?:\/[0-9]+)?)\s+((?:\*|[0-7](?:-[0-7]|(?:,[0-7])+)?)(?:\/[0-9]+)?)$"#

    @Test(arguments: [
        ("*/5 * * * *", true), ("0 3 * * 1-5", true), ("0,30 8-17 1 1,6 0", true), ("61 * * * *", false),
        ("* * * *", false), ("@daily", false),
    ])
    func cronPatternFromPolicies(schedule: String, expected: Bool) throws {
        #expect(try call("regex_match", .string(Self.cronPattern), .string(schedule)) == .bool(expected))
    }

    @Test(arguments: [
        ("nginx", "myregistry.corp.com/nginx"), ("ghcr.io/org/app:1", "myregistry.corp.com/org/app:1"),
        ("localhost/app", "myregistry.corp.com/app"),
        ("docker.io/library/busybox", "myregistry.corp.com/library/busybox"),
    ])
    func registryReplacementFromPolicies(image: String, expected: String) throws {
        let pattern = #"^(localhost/|(?:[a-z0-9]+\.)+[a-z0-9]+/)?(.*)$"#
        #expect(
            try call("regex_replace_all", .string(pattern), .string(image), "myregistry.corp.com/$2")
                == .string(expected))
    }

    @Test func replaceAllSkipsEmptyMatchesAfterAMatch() throws {
        #expect(try call("regex_replace_all", "a*", "baaac", "X") == "XbXcX")
        #expect(try call("regex_replace_all", "", "abc", "-") == "-a-b-c-")
        #expect(try call("regex_replace_all", "x*", "", "-") == "-")
    }

    @Test func replaceAllErrorsArePrefixed() {
        #expect(
            errorMessage("regex_replace_all", "(", "x", "y")
                == "JMESPath function 'regex_replace_all': error parsing regexp: missing closing ): `(`")
        #expect(
            errorMessage("regex_replace_all", "a", [], "y")
                == "JMESPath function 'regex_replace_all': argument #2 is not of type String or Real")
        #expect(
            errorMessage("regex_replace_all_literal", "a", "x", nil)
                == "JMESPath function 'regex_replace_all_literal': argument #3 is not of type String or Real")
    }

    @Test(arguments: [
        ("prefix-*", "prefix-foo" as JSONValue, true), ("12*", 12.0, true), ("*", "", true), ("", "", true),
        ("", "a", false), ("a?c", "abc", true), ("a?c", "ac", false), ("*/*", "a/b/c", true), ("é?", "éx", true),
    ])
    func patternMatch(pattern: String, value: JSONValue, expected: Bool) throws {
        #expect(try call("pattern_match", .string(pattern), value) == .bool(expected))
    }

    @Test func patternMatchMessages() {
        #expect(
            errorMessage("pattern_match", 123, "foo")
                == "JMESPath function 'pattern_match': argument #1 is not of type string")
        #expect(
            errorMessage("pattern_match", "foo", [])
                == "JMESPath function 'pattern_match': argument #2 is not of type String or Real")
    }

    @Test func randomMatchesItsPattern() throws {
        for pattern in [
            "[a-z]{8}", "[0-9a-f]{4}-[0-9a-f]{4}", "(foo|bar)+\\d?", "x[^a-z]y", ".{3}", "a{2,5}",
            "\\w+@\\w+\\.com", "[[:upper:]]{2}",
        ] {
            let generated = try #require(try call("random", .string(pattern)).stringValue)
            #expect(
                try call("regex_match", .string("^(?:" + pattern + ")$"), .string(generated)) == true,
                "\(pattern) → \(generated)")
        }
        #expect(errorMessage("random", "") == "no pattern provided")
        #expect(errorMessage("random", "a(") == "error parsing regexp: missing closing ): `a(`")
        #expect(errorMessage("random", "(a{1000}){1000}") != nil)
    }
}
