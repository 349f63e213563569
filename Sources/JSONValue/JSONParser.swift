/// Options for ``JSONValue/parse(_:options:)``.
public struct JSONParseOptions: Sendable {
    /// The deepest nesting of arrays and objects accepted; deeper input fails with an error instead of
    /// exhausting the stack.
    public var maximumDepth: Int

    public init(maximumDepth: Int = 512) {
        self.maximumDepth = maximumDepth
    }
}

extension JSONValue {
    /// Parses one JSON document (RFC 8259, strict) from UTF-8 bytes.
    ///
    /// Whitespace may surround the value; anything else after it is an error. Duplicate object keys keep
    /// the last value, as Go's `encoding/json` (and so Kubernetes) does.
    /// - Throws: ``JSONParseError`` with the byte offset, line and column of the problem.
    public static func parse(
        _ bytes: some Sequence<UInt8>,
        options: JSONParseOptions = JSONParseOptions()
    ) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(buffer: UnsafeRawBufferPointer(buffer), options: options) }
        }
        if let result { return try result.get() }
        let array = Array(bytes)
        let copied: Result<JSONValue, JSONParseError> = array.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try parse(buffer: buffer, options: options) }
        }
        return try copied.get()
    }

    /// Parses one JSON document from a string.
    public static func parse(
        _ text: String,
        options: JSONParseOptions = JSONParseOptions()
    ) throws(JSONParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(buffer: UnsafeRawBufferPointer(buffer), options: options) }
        }
        return try result.get()
    }

    /// Parses one JSON document from raw UTF-8 bytes.
    public static func parse(
        buffer: UnsafeRawBufferPointer,
        options: JSONParseOptions = JSONParseOptions()
    ) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(buffer: buffer.bindMemory(to: UInt8.self), maximumDepth: options.maximumDepth)
        return try parser.parseDocument()
    }
}

/// A recursive-descent parser over a byte buffer. The depth limit bounds the recursion.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var position = 0
    var depth = 0

    init(buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = buffer
        self.maximumDepth = maximumDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        if position < bytes.count, position == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB,
            bytes[2] == 0xBF
        {
            throw error("a byte order mark is not allowed in JSON", at: 0)
        }
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count {
            throw error("unexpected \(describe(bytes[position])) after the document's end")
        }
        return value
    }

    // MARK: - Values

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error("unexpected \(describe(bytes[position])), expected a value")
        }
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maximumDepth {
            throw error("nesting is deeper than the limit of \(maximumDepth)")
        }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // {
        var object = JSONObject()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(object)
        }
        while true {
            guard position < bytes.count else { throw error("unexpected end of input, expected an object key") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describe(bytes[position])), expected a string object key")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected ':'") }
            guard bytes[position] == UInt8(ascii: ":") else {
                throw error("unexpected \(describe(bytes[position])), expected ':' after an object key")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            object[key] = value
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "}") { break }
            guard byte == UInt8(ascii: ",") else {
                throw error(
                    "unexpected \(describe(byte)), expected ',' or '}' after an object member", at: position - 1)
            }
            skipWhitespace()
        }
        depth -= 1
        return .object(object)
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // [
        var array: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(array)
        }
        while true {
            array.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "]") { break }
            guard byte == UInt8(ascii: ",") else {
                throw error(
                    "unexpected \(describe(byte)), expected ',' or ']' after an array element", at: position - 1)
            }
            skipWhitespace()
        }
        depth -= 1
        return .array(array)
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for index in 0..<count {
            guard position + index < bytes.count, bytes[position + index] == start[index] else {
                throw error("invalid literal, expected '\(literal)'", at: position + index)
            }
        }
        position += count
    }

    // MARK: - Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw error("expected a digit in a number")
        }
        // Integer part, accumulated as a negative value so that Int.min fits.
        var accumulator = 0
        var overflow = false
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw error("a number must not have a leading zero")
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) {
                let digit = Int(bytes[position] &- UInt8(ascii: "0"))
                let (multiplied, o1) = accumulator.multipliedReportingOverflow(by: 10)
                let (next, o2) = multiplied.subtractingReportingOverflow(digit)
                overflow = overflow || o1 || o2
                accumulator = next
                position += 1
            }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("expected a digit after the decimal point")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("expected a digit in the exponent")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if isInteger {
            if !overflow {
                if negative { return .int(accumulator) }
                let (positive, o) = (0).subtractingReportingOverflow(accumulator)
                if !o { return .int(positive) }
            }
            throw error("integer does not fit in 64 bits", at: start)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("number is out of the range of a 64-bit float", at: start)
        }
        return .double(value)
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    // MARK: - Strings

    mutating func parseString() throws(JSONParseError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes.
        var sawNonASCII = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if !sawNonASCII { return String(decoding: slice, as: UTF8.self) }
                return try validatedString(slice, offset: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character \(describe(byte)) must be escaped in a string") }
            if byte >= 0x80 { sawNonASCII = true }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string", at: start - 1) }
        return try parseEscapedString(from: start)
    }

    func validatedString(_ slice: UnsafeBufferPointer<UInt8>, offset: Int) throws(JSONParseError) -> String {
        if let string = String(validating: slice, as: UTF8.self) { return string }
        // Find the first invalid byte for the error position.
        var iterator = slice.makeIterator()
        var decoder = UTF8()
        var consumed = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumed += UTF8.width(scalar)
            case .emptyInput:
                break loop
            case .error:
                break loop
            }
        }
        throw error("invalid UTF-8 in a string", at: offset + consumed)
    }

    mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var scratch: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        scratch.reserveCapacity(scratch.count + 16)
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                let result: Result<String, JSONParseError> = scratch.withUnsafeBufferPointer { buffer in
                    Result { () throws(JSONParseError) in try validatedString(buffer, offset: start) }
                }
                return try result.get()
            }
            if byte < 0x20 { throw error("control character \(describe(byte)) must be escaped in a string") }
            if byte != UInt8(ascii: "\\") {
                scratch.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { throw error("unterminated escape sequence") }
            let escape = bytes[position]
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
            case UInt8(ascii: "u"):
                let escapeStart = position - 2
                var code = try parseHex4()
                if code >= 0xD800 && code < 0xDC00 {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else {
                        throw error("unpaired high surrogate in a \\u escape", at: escapeStart)
                    }
                    position += 2
                    let low = try parseHex4()
                    guard low >= 0xDC00 && low < 0xE000 else {
                        throw error("high surrogate not followed by a low surrogate", at: escapeStart)
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if code >= 0xDC00 && code < 0xE000 {
                    throw error("unpaired low surrogate in a \\u escape", at: escapeStart)
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw error("invalid code point in a \\u escape", at: escapeStart)
                }
                scratch.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw error("invalid escape sequence '\\\(describeRaw(escape))'", at: position - 2)
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("expected four hex digits in a \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("expected a hex digit in a \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    // MARK: - Helpers

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    func describeRaw(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return String(Character(Unicode.Scalar(byte))) }
        return "\\x" + String(byte, radix: 16, uppercase: true)
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return JSONParseError(offset: offset, line: line, column: offset - lineStart + 1, message: message)
    }
}
