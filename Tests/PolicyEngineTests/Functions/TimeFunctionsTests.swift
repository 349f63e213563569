import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// Cases from Kyverno's time_test.go plus Go layout and edge cases.
struct TimeFunctionsTests {
    @Test(arguments: [
        ("", "2021-01-02T15:04:05-07:00", "2021-01-10T03:14:05-07:00", "180h10m0s"),
        ("Mon Jan _2 15:04:05 MST 2006", "Mon Jan 02 15:04:05 MST 2021", "Mon Jan 10 03:14:16 MST 2021", "180h10m11s"),
        ("2006-01-02", "2021-01-10", "2021-01-02", "-192h0m0s"),
    ])
    func timeSince(layout: String, start: String, end: String, expected: String) throws {
        #expect(try call("time_since", .string(layout), .string(start), .string(end)) == .string(expected))
    }

    @Test func timeSinceNowIsPositive() throws {
        let result = try #require(try call("time_since", "", "2000-01-01T00:00:00Z", "").stringValue)
        #expect(result.hasSuffix("s") && !result.hasPrefix("-") && result.contains("h"))
    }

    @Test(arguments: [
        ("2023-02-02T15:04:05Z", "4 15 2 2 4"), ("2023-02-02T15:04:05-07:00", "4 15 2 2 4"),
        ("2023-02-02T22:04:05Z", "4 22 2 2 4"), ("2024-02-29T00:00:00Z", "0 0 29 2 4"),
    ])
    func timeToCron(time: String, expected: String) throws {
        #expect(try call("time_to_cron", .string(time)) == .string(expected))
    }

    @Test func timeToCronOfUTC() throws {
        let utc = try call("time_utc", "2023-02-02T15:04:05-07:00")
        #expect(try call("time_to_cron", utc) == "4 22 2 2 4")
    }

    @Test func timeAdd() throws {
        #expect(try call("time_add", "2021-01-02T15:04:05-07:00", "3h") == "2021-01-02T18:04:05-07:00")
        let parsed = try call("time_parse", "Mon Jan 02 15:04:05 -0700 2006", "Sat Jan 02 15:04:05 -0700 2021")
        #expect(try call("time_add", parsed, "5h30m40s") == "2021-01-02T20:34:45-07:00")
        #expect(try call("time_add", "2021-12-31T23:00:00Z", "-24h") == "2021-12-30T23:00:00Z")
        #expect(errorMessage("time_add", "2021-01-02T15:04:05Z", "3x") == "time: unknown unit \"x\" in duration \"3x\"")
    }

    @Test(arguments: [
        ("2006-01-02T15:04:05Z07:00", "2021-01-02T15:04:05-07:00", "2021-01-02T15:04:05-07:00"),
        ("Mon Jan 02 15:04:05 -0700 2006", "Sat Jan 02 15:04:05 -0700 2021", "2021-01-02T15:04:05-07:00"),
        ("1702691171", "1702691171", "2023-12-16T01:46:11Z"),
        ("0", "-1", "1969-12-31T23:59:59Z"),
        ("02/01/2006 3:04PM", "25/12/2023 9:30AM", "2023-12-25T09:30:00Z"),
        ("January 2, 2006 15:04:05.000", "March 7, 2022 08:09:10.123", "2022-03-07T08:09:10Z"),
        ("2006-01-02 15:04:05", "2022-03-07 08:09:10.5", "2022-03-07T08:09:10Z"),
        ("06-1-2 3pm", "99-12-31 12am", "1999-12-31T00:00:00Z"),
        ("2006-002", "2024-060", "2024-02-29T00:00:00Z"),
        ("2006-01-02T15:04:05Z07:00", "2021-01-02T15:04:05+05:30", "2021-01-02T15:04:05+05:30"),
    ])
    func timeParse(layout: String, value: String, expected: String) throws {
        #expect(try call("time_parse", .string(layout), .string(value)) == .string(expected))
    }

    @Test func timeParseErrorsUseGoMessages() {
        #expect(
            errorMessage("time_parse", "2006-01-02", "2021-13-01")
                == "parsing time \"2021-13-01\": month out of range")
        #expect(
            errorMessage("time_parse", "2006-01-02", "2021-02-30")
                == "parsing time \"2021-02-30\": day out of range")
        #expect(
            errorMessage("time_parse", "2006-01-02", "21-01-01")
                == "parsing time \"21-01-01\" as \"2006-01-02\": cannot parse \"21-01-01\" as \"2006\"")
        #expect(
            errorMessage("time_parse", "2006-01-02", "2021-01-01x")
                == "parsing time \"2021-01-01x\": extra text: \"x\"")
        #expect(errorMessage("time_parse", "1", "abc") == "strconv.ParseInt: parsing \"abc\": invalid syntax")
        #expect(errorMessage("time_utc", "") != nil)
        #expect(
            errorMessage("time_utc", "2021-01-02T25:04:05Z")
                == "parsing time \"2021-01-02T25:04:05Z\": hour out of range")
    }

    @Test func timeUTC() throws {
        #expect(try call("time_utc", "2023-02-02T15:04:05Z") == "2023-02-02T15:04:05Z")
        #expect(try call("time_utc", "2023-02-02T15:04:05-07:00") == "2023-02-02T22:04:05Z")
        #expect(try call("time_utc", "2023-02-02T15:04:05.999+01:00") == "2023-02-02T14:04:05Z")
    }

    @Test func timeDiff() throws {
        #expect(try call("time_diff", "2021-01-02T15:04:05-07:00", "2021-01-10T03:14:05-07:00") == "180h10m0s")
        #expect(try call("time_diff", "2021-01-02T15:04:05Z", "2021-01-02T15:04:05.25Z") == "250ms")
        #expect(try call("time_diff", "0001-01-01T00:00:00Z", "9999-01-01T00:00:00Z") == "2562047h47m16.854775807s")
    }

    @Test(arguments: [
        ("2021-01-02T15:04:05-07:00", "2021-01-02T16:04:05-07:00", true, false),
        ("2021-01-02T15:04:05-07:00", "2021-01-02T15:04:05-07:00", false, false),
        ("2021-01-02T16:04:05-07:00", "2021-01-02T15:04:05-07:00", false, true),
        ("2021-01-02T22:04:05Z", "2021-01-02T15:04:05-07:00", false, false),
    ])
    func beforeAndAfter(first: String, second: String, before: Bool, after: Bool) throws {
        #expect(try call("time_before", .string(first), .string(second)) == .bool(before))
        #expect(try call("time_after", .string(first), .string(second)) == .bool(after))
    }

    @Test func beforeRejectsNumbers() {
        #expect(errorMessage("time_before", 1, "2021-01-02T15:04:05-07:00") != nil)
        #expect(errorMessage("time_after", "2021-01-02T15:04:05-07:00", 1) != nil)
    }

    @Test(arguments: [
        ("2021-01-02T17:04:05-07:00", true), ("2021-01-02T15:04:05-07:00", false), ("2021-01-02T18:04:05-07:00", false),
    ])
    func between(time: String, expected: Bool) throws {
        #expect(
            try call("time_between", .string(time), "2021-01-02T15:04:05-07:00", "2021-01-02T18:04:05-07:00")
                == .bool(expected))
        #expect(errorMessage("time_between", .string(time), 1, "2021-01-02T18:04:05-07:00") != nil)
    }

    @Test(arguments: [
        ("2023-02-02T15:04:05Z", "1h", "2023-02-02T15:00:00Z"),
        ("2023-02-02T15:04:05Z", "24h", "2023-02-02T00:00:00Z"),
        ("2023-02-02T15:04:05+05:30", "1h", "2023-02-02T14:30:00+05:30"),
        ("2023-02-02T15:04:05Z", "0s", "2023-02-02T15:04:05Z"),
        ("2023-02-02T15:04:05Z", "-1h", "2023-02-02T15:04:05Z"),
    ])
    func truncate(time: String, duration: String, expected: String) throws {
        #expect(try call("time_truncate", .string(time), .string(duration)) == .string(expected))
    }

    @Test func nowIsRFC3339() throws {
        let utc = try #require(try call("time_now_utc").stringValue)
        #expect(utc.count == 20 && utc.hasSuffix("Z"))
        let local = try #require(try call("time_now").stringValue)
        #expect(try call("time_utc", .string(local)).stringValue?.prefix(13) == utc.prefix(13))
    }
}
