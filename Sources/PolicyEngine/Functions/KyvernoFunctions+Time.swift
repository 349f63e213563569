import Foundation
import JMESPath
import JSONValue

/// Time functions (Kyverno's `time.go`): `time_since`, `time_now`, `time_now_utc`, `time_to_cron`,
/// `time_add`, `time_parse`, `time_utc`, `time_diff`, `time_before`, `time_after`, `time_between`,
/// `time_truncate`.
///
/// Times are RFC 3339 unless a Go layout is given; results print as RFC 3339 in the input's offset,
/// durations as Go prints them. Parse errors carry Go's `time.Parse` / `time.ParseDuration` messages
/// without the `JMESPath function` prefix, as Kyverno returns them unwrapped.
extension KyvernoFunctions {
    static var timeFunctions: [JMESPathFunction] {
        [
            function(
                "time_since", [.init(.string), .init(.string), .init(.string)], returns: .string,
                "calculate the difference between a start and end period of time where the end may either be a static definition or the then-current time"
            ) {
                arguments throws(JMESPathError) in
                let layout = try arguments.string(0)
                let start = try arguments.string(1)
                let end = try arguments.string(2)
                let effectiveLayout = layout.isEmpty ? GoTime.rfc3339Layout : layout
                let startTime = try TimeArguments.parse(start, layout: effectiveLayout)
                let endTime =
                    end.isEmpty ? TimeArguments.now(utc: false) : try TimeArguments.parse(end, layout: effectiveLayout)
                return .string(startTime.duration(until: endTime).description)
            },
            function("time_now", [], returns: .string, "returns current time in RFC 3339 format") {
                _ throws(JMESPathError) in .string(TimeArguments.now(utc: false).rfc3339)
            },
            function("time_now_utc", [], returns: .string, "returns current UTC time in RFC 3339 format") {
                _ throws(JMESPathError) in .string(TimeArguments.now(utc: true).rfc3339)
            },
            function(
                "time_to_cron", [.init(.string)], returns: .string,
                "converts a time (RFC 3339) to a cron expression (string)."
            ) { arguments throws(JMESPathError) in
                let fields = try TimeArguments.time(arguments, 0).civil
                return .string("\(fields.minute) \(fields.hour) \(fields.day) \(fields.month) \(fields.weekday)")
            },
            function(
                "time_add", [.init(.string), .init(.string)], returns: .string,
                "adds duration (second string) to a time value (first string)"
            ) { arguments throws(JMESPathError) in
                let time = try TimeArguments.time(arguments, 0)
                let duration = try TimeArguments.duration(arguments, 1)
                return .string(time.adding(duration).rfc3339)
            },
            function(
                "time_parse", [.init(.string), .init(.string)], returns: .string,
                "changes a time value of a given layout to RFC 3339"
            ) { arguments throws(JMESPathError) in
                let layout = try arguments.string(0)
                let value = try arguments.string(1)
                if Int64(layout) != nil {
                    // A numeric layout means the value is Unix epoch seconds.
                    guard let seconds = Int64(value) else {
                        throw JMESPathError(.invalidValue, "strconv.ParseInt: parsing \"\(value)\": invalid syntax")
                    }
                    return .string(GoTime(unixSeconds: seconds).rfc3339)
                }
                return .string(try TimeArguments.parse(value, layout: layout).rfc3339)
            },
            function(
                "time_utc", [.init(.string)], returns: .string,
                "calcutes time in UTC from a given time in RFC 3339 format"
            ) { arguments throws(JMESPathError) in
                .string(try TimeArguments.time(arguments, 0).utc.rfc3339)
            },
            function(
                "time_diff", [.init(.string), .init(.string)], returns: .string,
                "calculate the difference between a start and end date in RFC3339 format"
            ) {
                arguments throws(JMESPathError) in
                let start = try TimeArguments.time(arguments, 0)
                let end = try TimeArguments.time(arguments, 1)
                return .string(start.duration(until: end).description)
            },
            function(
                "time_before", [.init(.string), .init(.string)], returns: .boolean,
                "checks if a time is before another time, both in RFC3339 format"
            ) { arguments throws(JMESPathError) in
                .bool(try TimeArguments.time(arguments, 0) < TimeArguments.time(arguments, 1))
            },
            function(
                "time_after", [.init(.string), .init(.string)], returns: .boolean,
                "checks if a time is after another time, both in RFC3339 format"
            ) { arguments throws(JMESPathError) in
                .bool(try TimeArguments.time(arguments, 0) > TimeArguments.time(arguments, 1))
            },
            function(
                "time_between", [.init(.string), .init(.string), .init(.string)], returns: .boolean,
                "checks if a time is between a start and end time, all in RFC3339 format"
            ) {
                arguments throws(JMESPathError) in
                let time = try TimeArguments.time(arguments, 0)
                let start = try TimeArguments.time(arguments, 1)
                let end = try TimeArguments.time(arguments, 2)
                return .bool(time > start && time < end)
            },
            function(
                "time_truncate", [.init(.string), .init(.string)], returns: .string,
                "returns the result of rounding time down to a multiple of duration"
            ) {
                arguments throws(JMESPathError) in
                let time = try TimeArguments.time(arguments, 0)
                let duration = try TimeArguments.duration(arguments, 1)
                return .string(time.truncated(to: duration).rfc3339)
            },
        ]
    }
}

enum TimeArguments {
    /// An RFC 3339 time argument.
    static func time(_ arguments: KyvernoArguments, _ index: Int) throws(JMESPathError) -> GoTime {
        try parse(try arguments.string(index), layout: GoTime.rfc3339Layout)
    }

    /// A Go duration argument.
    static func duration(_ arguments: KyvernoArguments, _ index: Int) throws(JMESPathError) -> GoDuration {
        let text = try arguments.string(index)
        do {
            return try GoDuration(parsing: text)
        } catch {
            throw JMESPathError(.invalidValue, error.message)
        }
    }

    static func parse(_ value: String, layout: String) throws(JMESPathError) -> GoTime {
        do {
            return try GoTime(parsing: value, layout: layout)
        } catch {
            throw JMESPathError(.invalidValue, error.message)
        }
    }

    /// The current time, in the process's local offset or in UTC.
    static func now(utc: Bool) -> GoTime {
        let date = Date()
        let interval = date.timeIntervalSince1970
        let seconds = Int64(interval.rounded(.down))
        let nanoseconds = Int64(((interval - Double(seconds)) * 1e9).rounded(.down))
        let offset = utc ? 0 : Int64(TimeZone.current.secondsFromGMT(for: date))
        return GoTime(unixSeconds: seconds, nanoseconds: min(max(nanoseconds, 0), 999_999_999), offset: offset)
    }
}
