extension JSONParser {
    /// Parses a string value starting at its opening quote; leaves the position after the closing quote.
    ///
    /// Sets ``lastStringHadEscapes``. Strings without escapes are created straight from the input bytes; for
    /// an object key (`isKey`) long ones share the storage of the same key seen before.
    @inline(__always)
    mutating func parseString(isKey: Bool = false) throws(JSONParseError) -> String {
        let start = position + 1
        position = start
        var nonASCII = false
        guard try scanPlainRun(nonASCII: &nonASCII) == UInt8(ascii: "\"") else {
            lastStringHadEscapes = true
            return try parseEscapedString(from: start)
        }
        let length = position - start
        position += 1
        lastStringHadEscapes = false
        if isKey, length > JSONKeyCache.minimumLength, length <= JSONKeyCache.maximumLength {
            let bytes = UnsafeBufferPointer(start: base + start, count: length)
            if let cached = keyCache.lookup(bytes) { return cached }
            let key = try makeString(start: start, length: length, nonASCII: nonASCII)
            keyCache.insert(key, for: bytes)
            return key
        }
        return try makeString(start: start, length: length, nonASCII: nonASCII)
    }

    /// Parses an object key: ``parseString(isKey:)`` sharing the storage of long keys seen before.
    @inline(__always)
    mutating func parseKey() throws(JSONParseError) -> String {
        try parseString(isKey: true)
    }

    /// Advances over string bytes that need no decoding, eight at a time where possible, and returns the
    /// byte it stopped at: the closing quote or a backslash. Sets `nonASCII` when it passed a byte >= 0x80.
    /// - Throws: on an unescaped control character or the end of input.
    @inline(__always)
    mutating func scanPlainRun(nonASCII: inout Bool) throws(JSONParseError) -> UInt8 {
        while true {
            let highBits: UInt64 = nonASCII ? 0 : 0x8080_8080_8080_8080
            while position &+ 8 <= count {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let special = Self.specialBytes(in: word) | (word & highBits)
                if special != 0 {
                    position &+= special.trailingZeroBitCount &>> 3
                    break
                }
                position &+= 8
            }
            guard position < count else { throw error("unterminated string, expected '\"'") }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return byte }
            if byte < 0x20 {
                throw error("control character \(describe(byte)) must be escaped in a string")
            }
            if byte >= 0x80 { nonASCII = true }
            position &+= 1
        }
    }

    /// The high bit of each byte of `word` that is a quote, a backslash or a control character (below
    /// 0x20). The lowest marked byte is always a true match (higher ones may be false positives).
    @inline(__always)
    static func specialBytes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let quoteBits = (quotes &- ones) & ~quotes
        let backslashBits = (backslashes &- ones) & ~backslashes
        let controlBits = (word &- ones &* 0x20) & ~word
        return (quoteBits | backslashBits | controlBits) & 0x8080_8080_8080_8080
    }

    /// A string from input bytes without escapes; validates UTF-8 when there are non-ASCII bytes.
    @inline(__always)
    func makeString(start: Int, length: Int, nonASCII: Bool) throws(JSONParseError) -> String {
        let bytes = UnsafeBufferPointer(start: base + start, count: length)
        if !nonASCII { return String(decoding: bytes, as: UTF8.self) }
        if let string = String(validating: bytes, as: UTF8.self) { return string }
        throw invalidUTF8Error(start: start, end: start + length)
    }

    /// The error for invalid UTF-8 between `start` and `end`, at the first byte that is not part of a
    /// valid sequence (escapes are ASCII, so they never hide the invalid byte).
    func invalidUTF8Error(start: Int, end: Int) -> JSONParseError {
        var iterator = UnsafeBufferPointer(start: base + start, count: end - start).makeIterator()
        var decoder = UTF8()
        var consumed = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): consumed += UTF8.width(scalar)
            case .emptyInput, .error: break loop
            }
        }
        return error("invalid UTF-8 in a string", at: start + consumed)
    }

    /// Decodes a string that has escapes; `start` is just after the opening quote and the position is at
    /// the first backslash.
    mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        while true {
            // At a backslash.
            let escapeStart = position
            position += 1
            guard position < count else { throw error("unterminated escape sequence", at: escapeStart) }
            let escape = base[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"): try decodeUnicodeEscape(escapeStart: escapeStart)
            default:
                throw error(
                    "invalid escape sequence '\\\(describeRaw(escape))', expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u",
                    at: escapeStart)
            }
            let runStart = position
            var nonASCII = true  // validated below as a whole
            let stop = try scanPlainRun(nonASCII: &nonASCII)
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: position - runStart))
            if stop == UInt8(ascii: "\"") { break }
        }
        let end = position
        position += 1
        let string: String? = scratch.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
        guard let string else { throw invalidUTF8Error(start: start, end: end) }
        return string
    }

    /// Decodes `\uXXXX` (the position is after the `u`), combining a surrogate pair, into ``scratch``.
    mutating func decodeUnicodeEscape(escapeStart: Int) throws(JSONParseError) {
        var code = try parseHex4()
        if code >= 0xDC00 && code < 0xE000 {
            throw error("lone low surrogate in a \\u escape, expected a high surrogate before it", at: escapeStart)
        }
        if code >= 0xD800 && code < 0xDC00 {
            guard position + 1 < count, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u")
            else {
                throw error(
                    "lone high surrogate in a \\u escape, expected a \\u escape with a low surrogate after it",
                    at: escapeStart)
            }
            position += 2
            let low = try parseHex4()
            guard low >= 0xDC00 && low < 0xE000 else {
                throw error(
                    "high surrogate followed by a non-low-surrogate \\u escape, expected a low surrogate",
                    at: escapeStart)
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        // `code` is a valid scalar here: surrogates are excluded and pairs are at most 0x10FFFF.
        switch code {
        case 0..<0x80:
            scratch.append(UInt8(code))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (code >> 6)))
            scratch.append(UInt8(0x80 | (code & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (code >> 12)))
            scratch.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (code & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (code >> 18)))
            scratch.append(UInt8(0x80 | ((code >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((code >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (code & 0x3F)))
        }
    }

    /// Reads four hex digits at the position.
    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < count else { throw error("unexpected end of input, expected a hex digit in a \\u escape") }
            let byte = base[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("unexpected \(describe(byte)), expected a hex digit in a \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
