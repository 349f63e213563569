/// An instant with the UTC offset it was written with, like a Go `time.Time` parsed from text.
///
/// Kyverno's `time_*` functions parse with Go layouts and print RFC 3339 in the offset of the input
/// (`2021-01-02T18:04:05-07:00`), so the offset travels with the instant. Comparison and equality use the
/// instant only. Layout parsing is in `GoTime+Layout.swift`.
public struct GoTime: Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var unixSeconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    public var nanoseconds: Int64
    /// Seconds east of UTC.
    public var offset: Int64

    /// Seconds from 0001-01-01T00:00:00Z (Go's zero time) to the Unix epoch.
    static let unixToAbsolute: Int64 = 62_135_596_800

    public init(unixSeconds: Int64, nanoseconds: Int64 = 0, offset: Int64 = 0) {
        let (carry, nanos) = Self.floorDivide(nanoseconds, 1_000_000_000)
        self.unixSeconds = unixSeconds &+ carry
        self.nanoseconds = nanos
        self.offset = offset
    }

    /// The instant in the same offset, printed as RFC 3339 (whole seconds).
    public var description: String { rfc3339 }

    /// This instant viewed in UTC.
    public var utc: GoTime { GoTime(unixSeconds: unixSeconds, nanoseconds: nanoseconds, offset: 0) }

    /// The instant plus a duration (wrapping like Go on overflow far outside any calendar).
    public func adding(_ duration: GoDuration) -> GoTime {
        let (seconds, nanos) = Self.floorDivide(duration.nanoseconds, 1_000_000_000)
        return GoTime(unixSeconds: unixSeconds &+ seconds, nanoseconds: nanoseconds + nanos, offset: offset)
    }

    /// `end − self` as Go's `Time.Sub`: saturating at the duration limits.
    public func duration(until end: GoTime) -> GoDuration {
        let difference =
            (Int128(end.unixSeconds) - Int128(unixSeconds)) * 1_000_000_000 + Int128(end.nanoseconds - nanoseconds)
        if difference > Int128(Int64.max) { return GoDuration(nanoseconds: .max) }
        if difference < Int128(Int64.min) { return GoDuration(nanoseconds: .min) }
        return GoDuration(nanoseconds: Int64(difference))
    }

    /// Rounds down to a multiple of `duration` since Go's zero time (0001-01-01 UTC), keeping the offset;
    /// a non-positive duration leaves the time unchanged (Go's `Time.Truncate`).
    public func truncated(to duration: GoDuration) -> GoTime {
        guard duration.nanoseconds > 0 else { return self }
        let absolute = (Int128(unixSeconds) + Int128(Self.unixToAbsolute)) * 1_000_000_000 + Int128(nanoseconds)
        let step = Int128(duration.nanoseconds)
        var remainder = absolute % step
        if remainder < 0 { remainder += step }
        let truncated = absolute - remainder - Int128(Self.unixToAbsolute) * 1_000_000_000
        let (seconds, nanos) = truncated.quotientAndRemainder(dividingBy: 1_000_000_000)
        if nanos < 0 {
            return GoTime(unixSeconds: Int64(seconds - 1), nanoseconds: Int64(nanos + 1_000_000_000), offset: offset)
        }
        return GoTime(unixSeconds: Int64(seconds), nanoseconds: Int64(nanos), offset: offset)
    }

    /// The calendar fields in this time's offset.
    public var civil: CivilTime {
        let local = unixSeconds &+ offset
        let (days, secondOfDay) = Self.floorDivide(local, 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        // 1970-01-01 was a Thursday (weekday 4, Sunday = 0).
        let weekday = Int(Self.floorDivide(days + 4, 7).1)
        return CivilTime(
            year: year, month: month, day: day, hour: Int(secondOfDay / 3600), minute: Int(secondOfDay / 60 % 60),
            second: Int(secondOfDay % 60), nanosecond: Int(nanoseconds), weekday: weekday)
    }

    /// RFC 3339 as Go's `time.RFC3339` layout prints it: `2006-01-02T15:04:05Z07:00`, `Z` for UTC.
    public var rfc3339: String {
        let fields = civil
        var text = Self.formatYear(fields.year)
        text += "-" + Self.twoDigits(fields.month) + "-" + Self.twoDigits(fields.day)
        text += "T" + Self.twoDigits(fields.hour) + ":" + Self.twoDigits(fields.minute) + ":"
        text += Self.twoDigits(fields.second)
        if offset == 0 { return text + "Z" }
        let minutes = abs(offset) / 60
        text += offset < 0 ? "-" : "+"
        return text + Self.twoDigits(Int(minutes / 60)) + ":" + Self.twoDigits(Int(minutes % 60))
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// Go's four-digit, zero-padded, signed year.
    static func formatYear(_ year: Int64) -> String {
        let digits = String(year.magnitude)
        let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return year < 0 ? "-" + padded : padded
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400).0
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int, Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097).0
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension GoTime: Equatable, Comparable {
    public static func == (lhs: GoTime, rhs: GoTime) -> Bool {
        lhs.unixSeconds == rhs.unixSeconds && lhs.nanoseconds == rhs.nanoseconds
    }

    public static func < (lhs: GoTime, rhs: GoTime) -> Bool {
        (lhs.unixSeconds, lhs.nanoseconds) < (rhs.unixSeconds, rhs.nanoseconds)
    }
}

/// Calendar fields of a ``GoTime`` in its own offset. `weekday` is 0 for Sunday.
public struct CivilTime: Sendable, Equatable {
    public var year: Int64
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var nanosecond: Int
    public var weekday: Int

    public init(year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int, weekday: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.weekday = weekday
    }
}
