import KubeValues
import PolicyEngine
import Testing

/// GoTime layout parsing and RFC 3339 output, GoRegex expansion, and SemanticVersion.
struct GoTimeTests {
    @Test(arguments: [
        ("2006-01-02T15:04:05Z07:00", "2023-06-15T10:20:30.123456789+02:00", "2023-06-15T10:20:30+02:00"),
        ("Mon, 02 Jan 2006 15:04:05 MST", "Thu, 15 Jun 2023 10:20:30 UTC", "2023-06-15T10:20:30Z"),
        ("Mon, 02 Jan 2006 15:04:05 MST", "Thu, 15 Jun 2023 10:20:30 GMT+2", "2023-06-15T12:20:30+02:00"),
        ("02 Jan 06 15:04 -0700", "15 Jun 23 10:20 -0330", "2023-06-15T10:20:00-03:30"),
        ("2006-01-02T15:04:05.000Z", "2023-06-15T10:20:30.500Z", "2023-06-15T10:20:30Z"),
        ("Jan _2 15:04:05", "Jun  5 10:20:30", "0000-06-05T10:20:30Z"),
        ("January 2006", "june 2023", "2023-06-01T00:00:00Z"),
        ("3:04:05 pm", "12:00:00 am", "0000-01-01T00:00:00Z"),
    ])
    func parsesGoLayouts(layout: String, value: String, rfc3339: String) throws {
        #expect(try GoTime(parsing: value, layout: layout).rfc3339 == rfc3339)
    }

    @Test func civilFieldsAndArithmetic() throws {
        let time = try GoTime(parsing: "2024-02-29T23:30:00-01:00", layout: GoTime.rfc3339Layout)
        #expect(
            time.civil
                == CivilTime(year: 2024, month: 2, day: 29, hour: 23, minute: 30, second: 0, nanosecond: 0, weekday: 4))
        #expect(time.utc.rfc3339 == "2024-03-01T00:30:00Z")
        #expect(time.adding(GoDuration(nanoseconds: GoDuration.hour)).rfc3339 == "2024-03-01T00:30:00-01:00")
        #expect(GoTime(unixSeconds: -62_135_596_800).rfc3339 == "0001-01-01T00:00:00Z")
        #expect(GoTime(unixSeconds: 253_402_300_799).rfc3339 == "9999-12-31T23:59:59Z")
        #expect(GoTime(unixSeconds: 0, nanoseconds: -1).unixSeconds == -1)
    }

    @Test func rejectsWithGoMessages() {
        #expect(throws: GoTimeParseError(message: "parsing time \"2023-06-31\": day out of range")) {
            try GoTime(parsing: "2023-06-31", layout: "2006-01-02")
        }
        #expect(throws: GoTimeParseError(message: "parsing time \"10:61\": minute out of range")) {
            try GoTime(parsing: "10:61", layout: "15:04")
        }
        #expect(
            throws: GoTimeParseError(message: "parsing time \"Foo 1\" as \"Jan 2\": cannot parse \"Foo 1\" as \"Jan\"")
        ) {
            try GoTime(parsing: "Foo 1", layout: "Jan 2")
        }
    }
}

struct SemanticVersionTests {
    @Test(arguments: ["1.2.3", "0.0.0", "1.2.3-alpha.1+build.5", "10.20.30-rc.1-x"])
    func roundTrips(text: String) throws {
        #expect(try SemanticVersion(parsing: text).description == text)
    }

    @Test(arguments: [
        ("", "Version string empty"), ("1.2", "No Major.Minor.Patch elements found"),
        ("01.2.3", "Major number must not contain leading zeroes \"01\""),
        ("1.2.x", "Invalid character(s) found in patch number \"x\""), ("1.2.3-", "Prerelease is empty"),
        ("1.2.3+", "Build meta data is empty"),
    ])
    func rejects(text: String, message: String) {
        #expect(throws: SemanticVersionError(message)) { try SemanticVersion(parsing: text) }
    }

    @Test func ordersByPrecedence() throws {
        let ordered = [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "2.0.0",
        ]
        let versions = try ordered.map { try SemanticVersion(parsing: $0) }
        #expect(versions == versions.sorted())
        #expect(try SemanticVersion(parsing: "1.0.0+a") == SemanticVersion(parsing: "1.0.0+b"))
    }
}

struct GoRegexTests {
    @Test func expandsLikeGo() throws {
        let regex = try GoRegex("(?P<key>\\w+)=(?P<value>\\w+)")
        #expect(regex.replacingAll(in: "a=1, b=2", with: "$value:$key", literal: false) == "1:a, 2:b")
        #expect(regex.replacingAll(in: "a=1", with: "${key}_x $9 $ $$", literal: false) == "a_x  $ $")
        #expect(regex.matches("x a=1 y"))
        #expect(!regex.matches("a="))
    }

    @Test func translatesGoSyntax() throws {
        #expect(try GoRegex("^\\d{2}$").matches("12"))
        #expect(try !GoRegex("^\\d{2}$").matches("12\n"))
        #expect(try GoRegex("(?i)kyverno").matches("KyVeRnO"))
        #expect(try GoRegex("a(?:b|c)+d").matches("abcbd"))
        #expect(try GoRegex("[\\d-]+").matches("-1-"))
        #expect(throws: GoRegexError(code: "invalid escape sequence", expression: "\\k")) { try GoRegex("\\k<x>") }
    }
}
