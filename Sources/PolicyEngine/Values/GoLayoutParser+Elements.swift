/// Go's layout tokenizer and the small value readers of `time.Parse`, used by ``GoLayoutParser``.
extension GoLayoutParser {
    static let longMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let shortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// Go's `nextStdChunk`: the literal prefix, the element, and the rest of the layout.
    static func nextChunk(_ layout: [UInt8]) -> (prefix: Int, element: LayoutElement, length: Int) {
        func has(_ i: Int, _ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return layout.count >= i + bytes.count && Array(layout[i..<(i + bytes.count)]) == bytes
        }
        func startsWithLower(_ i: Int) -> Bool {
            i < layout.count && layout[i] >= UInt8(ascii: "a") && layout[i] <= UInt8(ascii: "z")
        }
        func isDigit(_ i: Int) -> Bool {
            i < layout.count && layout[i] >= UInt8(ascii: "0") && layout[i] <= UInt8(ascii: "9")
        }
        var i = 0
        while i < layout.count {
            switch layout[i] {
            case UInt8(ascii: "J"):
                if has(i, "Jan") {
                    if has(i, "January") { return (i, .longMonth, 7) }
                    if !startsWithLower(i + 3) { return (i, .month, 3) }
                }
            case UInt8(ascii: "M"):
                if has(i, "Mon") {
                    if has(i, "Monday") { return (i, .longWeekDay, 6) }
                    if !startsWithLower(i + 3) { return (i, .weekDay, 3) }
                }
                if has(i, "MST") { return (i, .zoneName, 3) }
            case UInt8(ascii: "0"):
                if i + 1 < layout.count, layout[i + 1] >= UInt8(ascii: "1"), layout[i + 1] <= UInt8(ascii: "6") {
                    let elements: [LayoutElement] = [
                        .zeroMonth, .zeroDay, .zeroHour12, .zeroMinute, .zeroSecond, .year,
                    ]
                    return (i, elements[Int(layout[i + 1] - UInt8(ascii: "1"))], 2)
                }
                if has(i, "002") { return (i, .zeroYearDay, 3) }
            case UInt8(ascii: "1"):
                if has(i, "15") { return (i, .hour, 2) }
                return (i, .numMonth, 1)
            case UInt8(ascii: "2"):
                if has(i, "2006") { return (i, .longYear, 4) }
                return (i, .day, 1)
            case UInt8(ascii: "_"):
                if has(i, "_2") {
                    if has(i, "_2006") { return (i + 1, .longYear, 4) }
                    return (i, .underDay, 2)
                }
                if has(i, "__2") { return (i, .underYearDay, 3) }
            case UInt8(ascii: "3"): return (i, .hour12, 1)
            case UInt8(ascii: "4"): return (i, .minute, 1)
            case UInt8(ascii: "5"): return (i, .second, 1)
            case UInt8(ascii: "P"):
                if has(i, "PM") { return (i, .upperPM, 2) }
            case UInt8(ascii: "p"):
                if has(i, "pm") { return (i, .lowerPM, 2) }
            case UInt8(ascii: "-"):
                if has(i, "-070000") { return (i, .numericZone(.hhmmss), 7) }
                if has(i, "-07:00:00") { return (i, .numericZone(.colonHHMMSS), 9) }
                if has(i, "-0700") { return (i, .numericZone(.hhmm), 5) }
                if has(i, "-07:00") { return (i, .numericZone(.colonHHMM), 6) }
                if has(i, "-07") { return (i, .numericZone(.hh), 3) }
            case UInt8(ascii: "Z"):
                if has(i, "Z070000") { return (i, .iso8601(.hhmmss), 7) }
                if has(i, "Z07:00:00") { return (i, .iso8601(.colonHHMMSS), 9) }
                if has(i, "Z0700") { return (i, .iso8601(.hhmm), 5) }
                if has(i, "Z07:00") { return (i, .iso8601(.colonHHMM), 6) }
                if has(i, "Z07") { return (i, .iso8601(.hh), 3) }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if i + 1 < layout.count, layout[i + 1] == UInt8(ascii: "0") || layout[i + 1] == UInt8(ascii: "9") {
                    let digit = layout[i + 1]
                    var j = i + 1
                    while j < layout.count, layout[j] == digit { j += 1 }
                    if !isDigit(j) {
                        return (i, .fraction(digits: j - (i + 1), exact: digit == UInt8(ascii: "0")), j - i)
                    }
                }
            default: break
            }
            i += 1
        }
        return (layout.count, .none, 0)
    }

    static func isDigit(_ bytes: [UInt8], _ i: Int) -> Bool {
        i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
    }

    /// Go's `getnum`: one or two digits (exactly two when `fixed`).
    static func number(_ bytes: inout [UInt8], fixed: Bool) -> Int? {
        guard isDigit(bytes, 0) else { return nil }
        guard isDigit(bytes, 1) else {
            if fixed { return nil }
            defer { bytes.removeFirst() }
            return Int(bytes[0] - 48)
        }
        defer { bytes.removeFirst(2) }
        return Int(bytes[0] - 48) * 10 + Int(bytes[1] - 48)
    }

    static func number3(_ bytes: inout [UInt8], fixed: Bool) -> Int? {
        var result = 0
        var count = 0
        while count < 3, isDigit(bytes, count) {
            result = result * 10 + Int(bytes[count] - 48)
            count += 1
        }
        if count == 0 || (fixed && count != 3) { return nil }
        bytes.removeFirst(count)
        return result
    }

    /// Case-insensitive (ASCII) prefix lookup in a name table.
    static func lookup(_ table: [String], _ bytes: inout [UInt8]) -> Int? {
        for (index, name) in table.enumerated() {
            let nameBytes = Array(name.utf8)
            guard bytes.count >= nameBytes.count else { continue }
            let matches = zip(bytes, nameBytes).allSatisfy { a, b in
                a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
            }
            if matches {
                bytes.removeFirst(nameBytes.count)
                return index
            }
        }
        return nil
    }

    /// Go's `parseNanoseconds`: `.ddd` with `count` bytes including the separator.
    static func nanoseconds(_ bytes: [UInt8], count: Int) -> Int64? {
        guard let first = bytes.first, first == UInt8(ascii: ".") || first == UInt8(ascii: ",") else { return nil }
        let limit = min(count, 10)
        var result: Int64 = 0
        for index in 1..<max(limit, 1) {
            guard isDigit(bytes, index) else { return nil }
            result = result * 10 + Int64(bytes[index] - 48)
        }
        for _ in 0..<(10 - max(limit, 1)) { result *= 10 }
        return result
    }

    /// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `bytes`, or nil.
    static func zoneNameLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 3 else { return nil }
        let prefix4 = String(decoding: bytes.prefix(4), as: UTF8.self)
        if prefix4 == "ChST" || prefix4 == "MeST" { return 4 }
        if String(decoding: bytes.prefix(3), as: UTF8.self) == "GMT" {
            var length = 3
            if bytes.count > 3, bytes[3] == UInt8(ascii: "+") || bytes[3] == UInt8(ascii: "-") {
                var end = 4
                while isDigit(bytes, end), end < 6 { end += 1 }
                if end > 4 { length = end }
            }
            return length
        }
        var upper = 0
        while upper < 6, upper < bytes.count, bytes[upper] >= UInt8(ascii: "A"), bytes[upper] <= UInt8(ascii: "Z") {
            upper += 1
        }
        switch upper {
        case 3: return 3
        case 4: return bytes[3] == UInt8(ascii: "T") || prefix4 == "WITA" ? 4 : nil
        case 5: return bytes[4] == UInt8(ascii: "T") ? 5 : nil
        default: return nil
        }
    }
}
