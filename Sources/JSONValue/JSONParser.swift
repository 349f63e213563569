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
    /// the last value (at the position of the first), as Go's `encoding/json` (and so Kubernetes) does.
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
    /// - Throws: ``JSONParseError`` with the byte offset (in the string's UTF-8), line and column.
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
    /// - Throws: ``JSONParseError`` with the byte offset, line and column of the problem.
    public static func parse(
        buffer: UnsafeRawBufferPointer,
        options: JSONParseOptions = JSONParseOptions()
    ) throws(JSONParseError) -> JSONValue {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw JSONParseError(offset: 0, line: 1, column: 1, message: "unexpected end of input, expected a value")
        }
        var parser = JSONParser(
            base: base.assumingMemoryBound(to: UInt8.self),
            count: buffer.count,
            maximumDepth: options.maximumDepth
        )
        return try parser.parseDocument()
    }
}

/// The raw location of an object key in the input, for cheap duplicate detection without building
/// `String`s; `length < 0` marks a key that contained escapes (its raw bytes are not its value).
struct KeySpan {
    var start: Int
    var length: Int
}

/// A recursive-descent parser over a byte buffer. The depth limit bounds the recursion.
///
/// Hand-written rather than built on Foundation's `JSONSerialization` or `Codable` because Vigil needs
/// exact 64-bit integers, insertion-ordered objects, positioned errors and several hundred MB/s on
/// multi-megabyte LIST responses. Containers are built on scratch stacks and moved into exactly sized
/// storage; strings are scanned eight bytes at a time.
struct JSONParser: ~Copyable {
    let base: UnsafePointer<UInt8>
    let count: Int
    let maximumDepth: Int
    var position = 0
    var depth = 0
    var values = ScratchStack<JSONValue>(capacity: 256)
    var keys = ScratchStack<String>(capacity: 64)
    var keySpans = ScratchStack<KeySpan>(capacity: 64)
    /// Decoded bytes of the string being parsed when it has escapes.
    var scratch: [UInt8] = []
    /// Whether the last string returned by ``parseString(isKey:)`` contained escape sequences.
    var lastStringHadEscapes = false
    var keyCache = JSONKeyCache()

    init(base: UnsafePointer<UInt8>, count: Int, maximumDepth: Int) {
        self.base = base
        self.count = count
        self.maximumDepth = maximumDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF {
            throw error("a byte order mark is not allowed in JSON", at: 0)
        }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < count {
            throw error("unexpected \(describe(base[position])) after the document's end, expected end of input")
        }
        return value
    }

    // MARK: - Values

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < count else { throw error("unexpected end of input, expected a value") }
        switch base[position] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"):
            try expectLiteral("true", word: 0x6575_7274)
            return .bool(true)
        case UInt8(ascii: "f"):
            position += 1
            try expectLiteral("alse", word: 0x6573_6C61)
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null", word: 0x6C6C_756E)
            return .null
        default:
            throw error("unexpected \(describe(base[position])), expected a value")
        }
    }

    @inline(__always)
    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maximumDepth {
            throw error("nesting is deeper than the limit of \(maximumDepth)")
        }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // {
        skipWhitespace()
        if position < count, base[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject())
        }
        let firstMember = values.count
        let firstKey = keys.count
        let firstSpan = keySpans.count
        // Set when duplicates cannot be found from raw key bytes (escaped keys, many keys); the object
        // is then built with hashed, checked insertion.
        var needsCheckedInsertion = false
        while true {
            guard position < count else { throw error("unexpected end of input, expected a string object key") }
            guard base[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describe(base[position])), expected a string object key")
            }
            let keyStart = position + 1
            let key = try parseKey()
            let keyLength = lastStringHadEscapes ? -1 : position - 1 - keyStart
            skipWhitespace()
            guard position < count else { throw error("unexpected end of input, expected ':'") }
            guard base[position] == UInt8(ascii: ":") else {
                throw error("unexpected \(describe(base[position])), expected ':' after an object key")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            if keyLength < 0 { needsCheckedInsertion = true }
            if !needsCheckedInsertion, keySpans.count - firstSpan >= Self.maximumLinearKeyCount {
                needsCheckedInsertion = true
            }
            if !needsCheckedInsertion,
                let duplicate = duplicateKeyIndex(start: keyStart, length: keyLength, from: firstSpan)
            {
                // Last value wins, at the position of the first occurrence.
                values.replace(at: firstMember + (duplicate - firstSpan), with: value)
            } else {
                keys.push(key)
                values.push(value)
                keySpans.push(KeySpan(start: keyStart, length: keyLength))
            }
            if try closes("}", after: "an object member") { break }
        }
        depth -= 1
        keySpans.truncate(to: firstSpan)
        let memberKeys = keys.popContiguousArray(from: firstKey)
        let memberValues = values.popContiguousArray(from: firstMember)
        if needsCheckedInsertion {
            var object = JSONObject(minimumCapacity: memberKeys.count)
            for index in memberKeys.indices { object[memberKeys[index]] = memberValues[index] }
            return .object(object)
        }
        return .object(JSONObject(uncheckedUniqueKeys: memberKeys, values: memberValues))
    }

    /// Objects with more keys than this are checked for duplicates by hashing instead of comparing
    /// raw key bytes pairwise, which keeps parsing linear for huge objects.
    static let maximumLinearKeyCount = 24

    /// The index in ``keySpans`` of an earlier key of the current object with the same raw bytes.
    @inline(__always)
    func duplicateKeyIndex(start: Int, length: Int, from firstSpan: Int) -> Int? {
        guard length >= 0 else { return nil }
        var index = firstSpan
        while index < keySpans.count {
            let span = keySpans.element(at: index)
            if span.length == length, memoryEqual(base + span.start, base + start, length) { return index }
            index += 1
        }
        return nil
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // [
        skipWhitespace()
        if position < count, base[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array([])
        }
        let firstElement = values.count
        while true {
            values.push(try parseValue())
            if try closes("]", after: "an array element") { break }
        }
        depth -= 1
        return .array(values.popArray(from: firstElement))
    }

    /// Reads what follows a member or element (`item`, for errors): true after the container's `closing`
    /// bracket, false after a `,` and the whitespace behind it.
    @inline(__always)
    mutating func closes(_ closing: Unicode.Scalar, after item: String) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < count else { throw error("unexpected end of input, expected ',' or '\(closing)'") }
        let byte = base[position]
        position += 1
        if byte == UInt8(ascii: closing) { return true }
        guard byte == UInt8(ascii: ",") else {
            throw error("unexpected \(describe(byte)), expected ',' or '\(closing)' after \(item)", at: position - 1)
        }
        skipWhitespace()
        return false
    }

    /// Checks the four bytes at the position against `literal` (whose little-endian value is `word`).
    @inline(__always)
    mutating func expectLiteral(_ literal: StaticString, word: UInt32) throws(JSONParseError) {
        if position + 4 <= count, UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self) == word {
            position += 4
            return
        }
        let start = literal.utf8Start
        for index in 0..<4 {
            guard position + index < count, base[position + index] == start[index] else {
                throw error("invalid literal, expected 'true', 'false' or 'null'", at: position + index)
            }
        }
        position += 4
    }

    // MARK: - Helpers

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
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

    /// An error at `offset` (default: the current position), with the line and column computed by
    /// scanning the input up to it (only on the error path).
    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let offset = min(offset ?? position, count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where base[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return JSONParseError(offset: offset, line: line, column: offset - lineStart + 1, message: message)
    }
}
