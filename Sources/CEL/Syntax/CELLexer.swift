/// Splits CEL source into tokens (cel-spec langdef's lexis): decimal and hex int/uint literals, doubles,
/// strings and bytes with every prefix (`r`, `b`, both), quote style (`'`, `"`, `'''`, `"""`) and escape
/// (`\a\b\f\n\r\t\v\\\'\"\`\?`, `\xHH`, `\ooo`, `\uHHHH`, `\UHHHHHHHH`), identifiers, backquoted field
/// names, operators and `//` comments.
struct CELLexer {
    let bytes: [UInt8]
    var index = 0

    init(_ source: String) { bytes = Array(source.utf8) }

    struct Failure: Error {
        var message: String
        var offset: Int
    }

    /// The next token and its offset.
    mutating func next() throws(Failure) -> (CELToken, Int) {
        skipTrivia()
        let start = index
        guard index < bytes.count else { return (.end, start) }
        let byte = bytes[index]
        if isDigit(byte) || (byte == UInt8(ascii: ".") && index + 1 < bytes.count && isDigit(bytes[index + 1])) {
            return (try number(), start)
        }
        if isIdentifierStart(byte) {
            if let token = try prefixedString() { return (token, start) }
            var end = index
            while end < bytes.count, isIdentifierStart(bytes[end]) || isDigit(bytes[end]) { end += 1 }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end
            return (name == "in" ? .symbol("in") : .identifier(name), start)
        }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return (.string(try stringLiteral(raw: false, bytes: false).string), start)
        }
        if byte == UInt8(ascii: "`") {
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "`"), bytes[end] != UInt8(ascii: "\n") { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "`"), end > index + 1 else {
                throw Failure(message: "unterminated quoted identifier", offset: start)
            }
            let name = String(decoding: bytes[index + 1..<end], as: UTF8.self)
            index = end + 1
            return (.quotedIdentifier(name), start)
        }
        let two = index + 1 < bytes.count ? String(decoding: bytes[index...index + 1], as: UTF8.self) : ""
        if ["==", "!=", "<=", ">=", "&&", "||", ".?", "[?"].contains(two) {
            index += 2
            return (.symbol(two), start)
        }
        if "+-*/%!<>?:.,()[]{}".utf8.contains(byte) {
            index += 1
            return (.symbol(String(UnicodeScalar(byte))), start)
        }
        if byte == UInt8(ascii: "=") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "|") {
            throw Failure(message: "token recognition error at: '\(UnicodeScalar(byte))'", offset: start)
        }
        throw Failure(message: "token recognition error at: '\(scalar(at: index))'", offset: start)
    }

    private func scalar(at offset: Int) -> String {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    private mutating func skipTrivia() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                index += 1
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            } else {
                return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }

    private func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
    }

    private mutating func number() throws(Failure) -> CELToken {
        let start = index
        if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count,
            bytes[index + 1] == UInt8(ascii: "x") || bytes[index + 1] == UInt8(ascii: "X")
        {
            index += 2
            let digitsStart = index
            while index < bytes.count, isHex(bytes[index]) { index += 1 }
            let digits = String(decoding: bytes[digitsStart..<index], as: UTF8.self)
            guard let value = UInt64(digits, radix: 16) else {
                throw Failure(message: "invalid int literal", offset: start)
            }
            return try integerSuffix(value, start: start)
        }
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        var isDouble = false
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), isDigit(bytes[index + 1]) {
            isDouble = true
            index += 1
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            var end = index + 1
            if end < bytes.count, bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-") { end += 1 }
            if end < bytes.count, isDigit(bytes[end]) {
                isDouble = true
                index = end
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isDouble {
            guard let value = Double(text) else { throw Failure(message: "invalid double literal", offset: start) }
            return .double(value)
        }
        guard let value = UInt64(text) else { throw Failure(message: "invalid int literal", offset: start) }
        return try integerSuffix(value, start: start)
    }

    private mutating func integerSuffix(_ value: UInt64, start: Int) throws(Failure) -> CELToken {
        if index < bytes.count, bytes[index] == UInt8(ascii: "u") || bytes[index] == UInt8(ascii: "U") {
            index += 1
            return .uint(value)
        }
        return .int(value, text: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// A string or bytes literal with a prefix (`r"..."`, `b'...'`, `rb"""..."""`), nil when the
    /// identifier at the cursor is not such a prefix.
    private mutating func prefixedString() throws(Failure) -> CELToken? {
        func kind(_ offset: Int) -> UInt8? {
            guard offset < bytes.count else { return nil }
            let lower = bytes[offset] | 0x20
            return lower == UInt8(ascii: "r") || lower == UInt8(ascii: "b") ? lower : nil
        }
        func isQuote(_ offset: Int) -> Bool {
            offset < bytes.count && (bytes[offset] == UInt8(ascii: "\"") || bytes[offset] == UInt8(ascii: "'"))
        }
        guard let first = kind(index) else { return nil }
        var prefix: Set<UInt8> = [first]
        var length = 1
        if !isQuote(index + 1) {
            guard let second = kind(index + 1), second != first, isQuote(index + 2) else { return nil }
            prefix.insert(second)
            length = 2
        }
        index += length
        let literal = try stringLiteral(
            raw: prefix.contains(UInt8(ascii: "r")), bytes: prefix.contains(UInt8(ascii: "b")))
        return prefix.contains(UInt8(ascii: "b")) ? .bytes(literal.bytes) : .string(literal.string)
    }
}
