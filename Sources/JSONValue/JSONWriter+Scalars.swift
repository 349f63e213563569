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

    /// Writes `"`, the escaped bytes and `"`. Plain bytes are copied eight at a time as they are scanned
    /// (each word is stored before it is checked; an escape then overwrites the tail of the word). Short
    /// strings and the tail are handled as one word too, so that only strings with escapes go byte by byte.
    mutating func writeQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        let length = bytes.count
        // Room for the quotes, the string unescaped and one word of slack; escapes reserve their extra bytes.
        reserve(length &+ 10)
        put(UInt8(ascii: "\""))
        guard let source = bytes.baseAddress else {
            put(UInt8(ascii: "\""))
            return
        }
        if length < 8 {
            var word: UInt64 = 0
            for index in 0..<length { word |= UInt64(source[index]) &<< UInt64(index &* 8) }
            let used: UInt64 = length == 0 ? 0 : ~0 &>> UInt64(64 &- length &* 8)
            // Padding bytes are zero (so marked), but only above the string: a mark inside it is a true one.
            if JSONParser.specialBytes(in: word) & used == 0 {
                UnsafeMutableRawPointer(buffer + count).storeBytes(of: word, as: UInt64.self)
                count &+= length
                put(UInt8(ascii: "\""))
                return
            }
        }
        var index = 0
        // Source bytes from here to `index` were copied verbatim (no escape since).
        var verbatimFrom = 0
        while index &+ 8 <= length {
            let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(buffer + count).storeBytes(of: word, as: UInt64.self)
            let special = JSONParser.specialBytes(in: word)
            if special == 0 {
                index &+= 8
                count &+= 8
                continue
            }
            // The lowest marked byte is a true quote, backslash or control character.
            let plain = special.trailingZeroBitCount &>> 3
            index &+= plain
            count &+= plain
            reserve(length &- index &+ 7)
            writeEscape(source[index])
            index &+= 1
            verbatimFrom = index
        }
        if index < length && length >= 8 && length &- 8 >= verbatimFrom {
            // The last eight bytes overlap bytes already copied verbatim: check and store them as one word.
            let overlap = index &- (length &- 8)
            let word = UnsafeRawPointer(source + (length &- 8)).loadUnaligned(as: UInt64.self)
            if JSONParser.specialBytes(in: word) &>> UInt64(overlap &* 8) == 0 {
                UnsafeMutableRawPointer(buffer + (count &- overlap)).storeBytes(of: word, as: UInt64.self)
                count &+= length &- index
                index = length
            }
        }
        while index < length {
            let byte = source[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                put(byte)
            } else {
                reserve(length &- index &+ 7)
                writeEscape(byte)
            }
            index &+= 1
        }
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
