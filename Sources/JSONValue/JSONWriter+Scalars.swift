extension JSONWriter {
    /// Writes an integer in decimal, two digits per step.
    mutating func writeInt(_ number: Int) {
        reserve(20)
        var magnitude = number.magnitude
        if number < 0 { put(UInt8(ascii: "-")) }
        if magnitude < 10 {
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude))
            return
        }
        var digitCount = 2
        var threshold: UInt = 100
        while digitCount < 20, magnitude >= threshold {
            digitCount += 1
            threshold &*= 10
        }
        var cursor = buffer + count + digitCount
        let pairs = Self.digitPairs.utf8Start
        while magnitude >= 100 {
            let pair = Int(truncatingIfNeeded: magnitude % 100) &* 2
            magnitude /= 100
            cursor -= 2
            cursor[0] = pairs[pair]
            cursor[1] = pairs[pair &+ 1]
        }
        if magnitude >= 10 {
            let pair = Int(truncatingIfNeeded: magnitude) &* 2
            cursor -= 2
            cursor[0] = pairs[pair]
            cursor[1] = pairs[pair &+ 1]
        } else {
            cursor -= 1
            cursor[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
        }
        count &+= digitCount
    }

    /// "00", "01", ... "99" back to back.
    static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Writes a double in the shortest form that reads back as the same value (`1.0`, `0.1`, `1e-07`);
    /// non-finite values as `null`.
    mutating func writeDouble(_ number: Double) {
        guard number.isFinite else {
            append("null")
            return
        }
        // Swift's description is the shortest round-tripping text and always valid JSON for finite values.
        var text = number.description
        text.withUTF8 { append($0) }
    }

    /// Writes a quoted string, escaping `"`, `\` and control characters; scans eight bytes at a time.
    @inline(__always)
    mutating func writeString(_ string: String) {
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { writeQuoted($0) }
        if written == nil {
            let copy = Array(string.utf8)
            copy.withUnsafeBufferPointer { writeQuoted($0) }
        }
    }

    mutating func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        let length = bytes.count
        reserve(length &+ 2)
        put(UInt8(ascii: "\""))
        guard let source = bytes.baseAddress, length > 0 else {
            put(UInt8(ascii: "\""))
            return
        }
        var runStart = 0
        var index = 0
        while index < length {
            if index &+ 8 <= length {
                let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
                let special = JSONParser.specialBytes(in: word)
                if special == 0 {
                    index &+= 8
                    continue
                }
                // The lowest marked byte is a true quote, backslash or control character.
                index &+= special.trailingZeroBitCount &>> 3
            } else {
                let byte = source[index]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    index &+= 1
                    continue
                }
            }
            // Copy the plain run, then the escape. Room: the rest of the string, 6 for the escape, the quote.
            reserve(length &- runStart &+ 7)
            (buffer + count).initialize(from: source + runStart, count: index &- runStart)
            count &+= index &- runStart
            writeEscape(source[index])
            index &+= 1
            runStart = index
        }
        let rest = length &- runStart
        (buffer + count).initialize(from: source + runStart, count: rest)
        count &+= rest
        put(UInt8(ascii: "\""))
    }

    /// Writes the escape for a quote, backslash or control character; the caller has reserved 6 bytes.
    @inline(__always)
    mutating func writeEscape(_ byte: UInt8) {
        put(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): put(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): put(UInt8(ascii: "\\"))
        case 0x0A: put(UInt8(ascii: "n"))
        case 0x0D: put(UInt8(ascii: "r"))
        case 0x09: put(UInt8(ascii: "t"))
        case 0x08: put(UInt8(ascii: "b"))
        case 0x0C: put(UInt8(ascii: "f"))
        default:
            let hex: StaticString = "0123456789abcdef"
            put(UInt8(ascii: "u"))
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "0"))
            put(hex.utf8Start[Int(byte >> 4)])
            put(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}
