import Foundation

/// A point in time with nanosecond precision, limited to the years 0001-9999 as CEL requires.
public struct CELTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since the Unix epoch.
    public var seconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    public var nanos: Int32

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds.
    static let minSeconds: Int64 = -62_135_596_800
    static let maxSeconds: Int64 = 253_402_300_799

    /// A timestamp, nil when outside the years 0001-9999.
    public init?(seconds: Int64, nanos: Int32 = 0) {
        guard seconds >= Self.minSeconds, seconds <= Self.maxSeconds, nanos >= 0, nanos < 1_000_000_000 else {
            return nil
        }
        self.seconds = seconds
        self.nanos = nanos
    }

    public static func < (lhs: CELTimestamp, rhs: CELTimestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }

    /// RFC 3339 in UTC with only as many fractional digits as needed (as cel-go prints).
    public var description: String {
        let civil = CivilTime(seconds: seconds, offset: 0)
        return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))T"
            + "\(pad(civil.hour, 2)):\(pad(civil.minute, 2)):\(pad(civil.second, 2))"
            + fractionSuffix(Int64(nanos)) + "Z"
    }

    /// Parses RFC 3339 (`2006-01-02T15:04:05.999999999Z07:00`).
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + digits] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        var nanos: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 where digits < 9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if expect("Zz") {
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let negative = bytes[index] == UInt8(ascii: "-")
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), hours < 24, minutes < 60 else {
                return nil
            }
            offset = (hours * 3600 + minutes * 60) * (negative ? -1 : 1)
        } else {
            return nil
        }
        guard index == bytes.count, (1...12).contains(month), day >= 1,
            day <= CivilTime.daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        self.init(seconds: seconds, nanos: Int32(nanos))
    }
}

/// A signed span of time in nanoseconds; the range is that of cel-go's (Go's `time.Duration`).
public struct CELDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func < (lhs: CELDuration, rhs: CELDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Seconds with as many fractional digits as needed, as protobuf's JSON form: `1.5s`, `-60s`.
    public var description: String {
        let negative = nanoseconds < 0
        let magnitude = nanoseconds.magnitude
        return (negative ? "-" : "") + String(magnitude / 1_000_000_000)
            + fractionSuffix(Int64(magnitude % 1_000_000_000)) + "s"
    }

    /// Parses Go's duration syntax: `1h2m3.5s`, `-1.5h`, `300ms`, `1us`, `1µs`, `0`.
    public init?(parsing text: String) {
        var scalars = Substring(text)
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        if scalars == "0" {
            nanoseconds = 0
            return
        }
        guard !scalars.isEmpty else { return nil }
        var total: Double = 0
        var exact: Int64 = 0
        var exactValid = true
        while !scalars.isEmpty {
            let numberText = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !numberText.isEmpty, let value = Double(numberText) else { return nil }
            scalars = scalars.dropFirst(numberText.count)
            let unitText = scalars.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            scalars = scalars.dropFirst(unitText.count)
            let unit: Int64
            switch unitText {
            case "ns": unit = 1
            case "us", "µs", "μs": unit = 1000
            case "ms": unit = 1_000_000
            case "s": unit = 1_000_000_000
            case "m": unit = 60_000_000_000
            case "h": unit = 3_600_000_000_000
            default: return nil
            }
            total += value * Double(unit)
            if exactValid, let whole = Int64(numberText) {
                let (product, overflow) = whole.multipliedReportingOverflow(by: unit)
                let (sum, overflow2) = exact.addingReportingOverflow(product)
                if overflow || overflow2 { return nil }
                exact = sum
            } else {
                exactValid = false
            }
        }
        if exactValid {
            nanoseconds = negative ? -exact : exact
        } else {
            guard total.magnitude < 9.2e18 else { return nil }
            nanoseconds = Int64(total.rounded()) * (negative ? -1 : 1)
        }
    }
}

/// Civil (proleptic Gregorian) date and time of a Unix time at a fixed UTC offset.
struct CivilTime {
    var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64
    /// Days since 1970-01-01 at the offset (for the day of the week).
    var days: Int64

    init(seconds: Int64, offset: Int64) {
        let local = seconds + offset
        days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The UTC offset in seconds of a time zone argument at a time: an IANA name (`America/New_York`),
    /// `UTC`, or a fixed offset `+05:30` / `-08:00`. Nil for an unknown zone.
    static func offset(zone: String, at seconds: Int64) -> Int64? {
        // cel-go takes `HH:MM` with an optional sign as a fixed offset.
        let signed = zone.first == "+" || zone.first == "-"
        if signed || zone.contains(":") {
            let parts = (signed ? zone.dropFirst() : Substring(zone)).split(separator: ":")
            guard parts.count == 2, let hours = Int64(parts[0]), let minutes = Int64(parts[1]) else { return nil }
            return (hours * 3600 + minutes * 60) * (zone.first == "-" ? -1 : 1)
        }
        if zone == "UTC" || zone == "Z" { return 0 }
        guard let timeZone = TimeZone(identifier: zone) else { return nil }
        return Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }
}

/// `value` in `radix` (decimal by default), left-padded with zeros to `width` digits.
func pad(_ value: Int64, _ width: Int, radix: Int = 10) -> String {
    let text = String(value, radix: radix)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// `.` and the nanoseconds without trailing zeros, as Go prints fractions of a second; empty for none.
func fractionSuffix(_ nanoseconds: Int64) -> String {
    guard nanoseconds != 0 else { return "" }
    var digits = pad(nanoseconds, 9)
    while digits.hasSuffix("0") { digits.removeLast() }
    return "." + digits
}
