/// Why a time string does not match a Go layout, with Go's `time.ParseError` message.
public struct GoTimeParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}

extension GoTime {
    /// Go's `time.RFC3339` layout.
    public static let rfc3339Layout = "2006-01-02T15:04:05Z07:00"

    /// Parses `value` with a Go reference-time layout (`2006-01-02T15:04:05Z07:00`,
    /// `Mon Jan _2 15:04:05 MST 2006`, ...) exactly as Go's `time.Parse` does.
    ///
    /// Supported elements: `January`/`Jan`/`01`/`1`, `Monday`/`Mon`, `02`/`_2`/`2`, `002`/`__2`,
    /// `2006`/`06`, `15`/`03`/`3`, `04`/`4`, `05`/`5`, `.000`/`.999` (or with `,`), `PM`/`pm`, `MST`,
    /// `Z07:00`-style and `-07:00`-style offsets. A fraction after the seconds is accepted even when the
    /// layout has none. Without an offset the time is UTC; a zone abbreviation other than `UTC` (and
    /// `GMT±h`) gets a zero offset, as Go does when the name is not the local zone's.
    /// - Throws: ``GoTimeParseError`` with Go's message.
    public init(parsing value: String, layout: String) throws(GoTimeParseError) {
        var parser = GoLayoutParser(layout: layout, value: value)
        self = try parser.parse()
    }
}

enum LayoutElement: Equatable {
    case none
    case longMonth, month, numMonth, zeroMonth
    case longWeekDay, weekDay
    case day, underDay, zeroDay, underYearDay, zeroYearDay
    case hour, hour12, zeroHour12
    case minute, zeroMinute
    case second, zeroSecond
    case longYear, year
    case upperPM, lowerPM
    case zoneName
    case iso8601(TimeZoneShape)
    case numericZone(TimeZoneShape)
    case fraction(digits: Int, exact: Bool)
}

enum TimeZoneShape: Equatable {
    case hhmmss, colonHHMMSS, hhmm, colonHHMM, hh
}

/// Go's `time.Parse` over UTF-8 bytes: walks the layout element by element, consuming the value.
struct GoLayoutParser {
    let originalLayout: String
    let originalValue: String
    var layout: [UInt8]
    var value: [UInt8]

    init(layout: String, value: String) {
        self.originalLayout = layout
        self.originalValue = value
        self.layout = Array(layout.utf8)
        self.value = Array(value.utf8)
    }

    static func quote(_ bytes: some Collection<UInt8>) -> String {
        "\"" + String(decoding: bytes, as: UTF8.self).replacingBackslashesAndQuotes() + "\""
    }

    func error(layoutElement: some Collection<UInt8>, valueElement: some Collection<UInt8>) -> GoTimeParseError {
        GoTimeParseError(
            message:
                "parsing time \(Self.quote(Array(originalValue.utf8))) as \(Self.quote(Array(originalLayout.utf8))): "
                + "cannot parse \(Self.quote(valueElement)) as \(Self.quote(layoutElement))")
    }

    func error(message: String) -> GoTimeParseError {
        GoTimeParseError(message: "parsing time \(Self.quote(Array(originalValue.utf8)))\(message)")
    }

    mutating func skip(_ prefix: ArraySlice<UInt8>) -> Bool {
        var prefix = prefix
        while let first = prefix.first {
            if first == UInt8(ascii: " ") {
                if let head = value.first, head != UInt8(ascii: " ") { return false }
                while prefix.first == UInt8(ascii: " ") { prefix.removeFirst() }
                while value.first == UInt8(ascii: " ") { value.removeFirst() }
                continue
            }
            guard let head = value.first, head == first else { return false }
            prefix.removeFirst()
            value.removeFirst()
        }
        return true
    }

    mutating func parse() throws(GoTimeParseError) -> GoTime {
        var year: Int64 = 0
        var month = -1
        var day = -1
        var yearDay = -1
        var hour = 0
        var minute = 0
        var second = 0
        var nanosecond: Int64 = 0
        var pm = false
        var am = false
        var utc = false
        var zoneOffset: Int64?
        var zoneName = ""
        while true {
            let (prefixLength, element, length) = Self.nextChunk(layout)
            let elementBytes = Array(layout[prefixLength..<(prefixLength + length)])
            guard skip(layout[0..<prefixLength]) else {
                throw error(layoutElement: layout[0..<prefixLength], valueElement: value)
            }
            if element == .none {
                if !value.isEmpty {
                    throw error(message: ": extra text: \(Self.quote(value))")
                }
                break
            }
            layout = Array(layout[(prefixLength + length)...])
            let hold = value
            var rangeError: String?
            var bad = false
            switch element {
            case .year:
                if value.count < 2 || !Self.isDigit(value, 0) || !Self.isDigit(value, 1) {
                    bad = true
                } else {
                    let twoDigit = Int64(value[0] - 48) * 10 + Int64(value[1] - 48)
                    value.removeFirst(2)
                    year = twoDigit >= 69 ? twoDigit + 1900 : twoDigit + 2000
                }
            case .longYear:
                if value.count < 4 || !(0..<4).allSatisfy({ Self.isDigit(value, $0) }) {
                    bad = true
                } else {
                    year = value[0..<4].reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
                    value.removeFirst(4)
                }
            case .month:
                if let index = Self.lookup(Self.shortMonths, &value) { month = index + 1 } else { bad = true }
            case .longMonth:
                if let index = Self.lookup(Self.longMonths, &value) { month = index + 1 } else { bad = true }
            case .numMonth, .zeroMonth:
                if let number = Self.number(&value, fixed: element == .zeroMonth) {
                    month = number
                    if month <= 0 || month > 12 { rangeError = "month" }
                } else {
                    bad = true
                }
            case .weekDay:
                if Self.lookup(Self.shortDays, &value) == nil { bad = true }
            case .longWeekDay:
                if Self.lookup(Self.longDays, &value) == nil { bad = true }
            case .day, .underDay, .zeroDay:
                if element == .underDay, value.first == UInt8(ascii: " ") { value.removeFirst() }
                if let number = Self.number(&value, fixed: element == .zeroDay) { day = number } else { bad = true }
            case .underYearDay, .zeroYearDay:
                for _ in 0..<2 where element == .underYearDay && value.first == UInt8(ascii: " ") {
                    value.removeFirst()
                }
                if let number = Self.number3(&value, fixed: element == .zeroYearDay) {
                    yearDay = number
                } else {
                    bad = true
                }
            case .hour:
                if let number = Self.number(&value, fixed: false) {
                    hour = number
                    if hour >= 24 { rangeError = "hour" }
                } else {
                    bad = true
                }
            case .hour12, .zeroHour12:
                if let number = Self.number(&value, fixed: element == .zeroHour12) {
                    hour = number
                    if hour > 12 { rangeError = "hour" }
                } else {
                    bad = true
                }
            case .minute, .zeroMinute:
                if let number = Self.number(&value, fixed: element == .zeroMinute) {
                    minute = number
                    if minute >= 60 { rangeError = "minute" }
                } else {
                    bad = true
                }
            case .second, .zeroSecond:
                guard let number = Self.number(&value, fixed: element == .zeroSecond) else {
                    bad = true
                    break
                }
                second = number
                if second >= 60 {
                    rangeError = "second"
                    break
                }
                // A fraction in the value but not in the layout is accepted.
                if value.count >= 2, value[0] == UInt8(ascii: ".") || value[0] == UInt8(ascii: ","),
                    Self.isDigit(value, 1)
                {
                    if case .fraction = Self.nextChunk(layout).element { break }
                    var count = 2
                    while Self.isDigit(value, count) { count += 1 }
                    if let nanos = Self.nanoseconds(value, count: count) { nanosecond = nanos } else { bad = true }
                    value.removeFirst(count)
                }
            case .upperPM, .lowerPM:
                guard value.count >= 2 else {
                    bad = true
                    break
                }
                let text = String(decoding: value[0..<2], as: UTF8.self)
                value.removeFirst(2)
                switch (element, text) {
                case (.upperPM, "PM"), (.lowerPM, "pm"): pm = true
                case (.upperPM, "AM"), (.lowerPM, "am"): am = true
                default: bad = true
                }
            case .iso8601(let shape), .numericZone(let shape):
                if case .iso8601 = element, value.first == UInt8(ascii: "Z") {
                    value.removeFirst()
                    utc = true
                    break
                }
                guard let (offset, rangeText) = parseOffset(shape) else {
                    bad = true
                    break
                }
                rangeError = rangeText
                zoneOffset = offset
            case .zoneName:
                if value.count >= 3, String(decoding: value[0..<3], as: UTF8.self) == "UTC" {
                    value.removeFirst(3)
                    utc = true
                    break
                }
                guard let length = Self.zoneNameLength(value) else {
                    bad = true
                    break
                }
                zoneName = String(decoding: value[0..<length], as: UTF8.self)
                value.removeFirst(length)
            case .fraction(let digits, let exact):
                if exact {
                    let count = 1 + digits
                    guard value.count >= count, let nanos = Self.nanoseconds(value, count: count) else {
                        bad = true
                        break
                    }
                    nanosecond = nanos
                    value.removeFirst(count)
                } else {
                    guard value.count >= 2, value[0] == UInt8(ascii: ".") || value[0] == UInt8(ascii: ","),
                        Self.isDigit(value, 1)
                    else { break }
                    var count = 1
                    while Self.isDigit(value, count) { count += 1 }
                    if let nanos = Self.nanoseconds(value, count: count) { nanosecond = nanos } else { bad = true }
                    value.removeFirst(count)
                }
            case .none:
                break
            }
            if let rangeError {
                throw error(message: ": \(rangeError) out of range")
            }
            if bad { throw error(layoutElement: elementBytes, valueElement: hold) }
        }
        if pm, hour < 12 { hour += 12 } else if am, hour == 12 { hour = 0 }

        if yearDay >= 0 {
            let leap = GoTime.daysIn(month: 2, year: year) == 29
            if yearDay < 1 || yearDay > (leap ? 366 : 365) {
                throw error(message: ": day-of-year out of range")
            }
            var remaining = yearDay
            var computedMonth = 1
            while remaining > GoTime.daysIn(month: computedMonth, year: year) {
                remaining -= GoTime.daysIn(month: computedMonth, year: year)
                computedMonth += 1
            }
            if month >= 0, month != computedMonth || (day >= 0 && day != remaining) {
                throw error(message: ": day-of-year does not match month")
            }
            if day >= 0, day != remaining { throw error(message: ": day-of-year does not match day") }
            month = computedMonth
            day = remaining
        } else {
            if month < 0 { month = 1 }
            if day < 0 { day = 1 }
        }
        if day < 1 || day > GoTime.daysIn(month: month, year: year) {
            throw error(message: ": day out of range")
        }
        let days = GoTime.daysFromCivil(year: year, month: month, day: day)
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        if utc { return GoTime(unixSeconds: local, nanoseconds: nanosecond, offset: 0) }
        if let zoneOffset {
            return GoTime(unixSeconds: local - zoneOffset, nanoseconds: nanosecond, offset: zoneOffset)
        }
        if !zoneName.isEmpty, zoneName.hasPrefix("GMT"), zoneName.count > 3, let hours = Int64(zoneName.dropFirst(3)) {
            // Go records the GMT±h offset on the fake zone but leaves the wall clock as UTC.
            return GoTime(unixSeconds: local, nanoseconds: nanosecond, offset: hours * 3600)
        }
        return GoTime(unixSeconds: local, nanoseconds: nanosecond, offset: 0)
    }

    /// A numeric offset such as `-07:00`; the offset in seconds and a range error, or nil when malformed.
    mutating func parseOffset(_ shape: TimeZoneShape) -> (Int64, String?)? {
        let digits: [UInt8]
        let length: Int
        switch shape {
        case .colonHHMM:
            guard value.count >= 6, value[3] == UInt8(ascii: ":") else { return nil }
            digits = [value[1], value[2], value[4], value[5], 48, 48]
            length = 6
        case .hh:
            guard value.count >= 3 else { return nil }
            digits = [value[1], value[2], 48, 48, 48, 48]
            length = 3
        case .colonHHMMSS:
            guard value.count >= 9, value[3] == UInt8(ascii: ":"), value[6] == UInt8(ascii: ":") else { return nil }
            digits = [value[1], value[2], value[4], value[5], value[7], value[8]]
            length = 9
        case .hhmmss:
            guard value.count >= 7 else { return nil }
            digits = Array(value[1..<7])
            length = 7
        case .hhmm:
            guard value.count >= 5 else { return nil }
            digits = [value[1], value[2], value[3], value[4], 48, 48]
            length = 5
        }
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let sign = value[0]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        value.removeFirst(length)
        let hours = Int64(digits[0] - 48) * 10 + Int64(digits[1] - 48)
        let minutes = Int64(digits[2] - 48) * 10 + Int64(digits[3] - 48)
        let seconds = Int64(digits[4] - 48) * 10 + Int64(digits[5] - 48)
        var rangeError: String?
        if hours > 24 { rangeError = "time zone offset hour" }
        if minutes > 60 { rangeError = "time zone offset minute" }
        if seconds > 60 { rangeError = "time zone offset second" }
        let offset = (hours * 60 + minutes) * 60 + seconds
        return (sign == UInt8(ascii: "-") ? -offset : offset, rangeError)
    }
}

extension String {
    /// Escapes backslashes and double quotes, enough for Go's `quote` on ordinary input.
    fileprivate func replacingBackslashesAndQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\\" || character == "\"" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
