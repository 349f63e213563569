extension CELLexer {
    struct Literal {
        var bytes: [UInt8]
        var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// A quoted literal at the cursor (after any prefix). Escapes `\x` and octal make code points in
    /// strings and raw bytes in bytes literals; `\u` and `\U` are code points in both (UTF-8 in bytes).
    mutating func stringLiteral(raw: Bool, bytes isBytes: Bool) throws(Failure) -> Literal {
        let start = index
        let quote = bytes[index]
        let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += triple ? 3 : 1
        var output: [UInt8] = []
        while true {
            guard index < bytes.count else { throw Failure(message: "unterminated string literal", offset: start) }
            let byte = bytes[index]
            if byte == quote {
                if !triple {
                    index += 1
                    break
                }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    index += 3
                    break
                }
            }
            if !triple, byte == 0x0A || byte == 0x0D {
                throw Failure(message: "newline in string literal", offset: index)
            }
            if byte == UInt8(ascii: "\\"), !raw {
                try escape(into: &output, isBytes: isBytes)
                continue
            }
            if byte == UInt8(ascii: "\\"), raw, index + 1 < bytes.count, bytes[index + 1] == quote, triple {
                output.append(byte)
                output.append(quote)
                index += 2
                continue
            }
            output.append(byte)
            index += 1
        }
        if !isBytes, String(validating: output, as: UTF8.self) == nil {
            throw Failure(message: "invalid UTF-8 in string literal", offset: start)
        }
        return Literal(bytes: output)
    }

    private mutating func escape(into output: inout [UInt8], isBytes: Bool) throws(Failure) {
        let start = index
        index += 1
        guard index < bytes.count else { throw Failure(message: "invalid escape sequence", offset: start) }
        let code = bytes[index]
        index += 1
        func hex(_ count: Int) throws(Failure) -> UInt32 {
            guard index + count <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16)
            else { throw Failure(message: "invalid escape sequence", offset: start) }
            index += count
            return value
        }
        func appendScalar(_ value: UInt32) throws(Failure) {
            guard let scalar = Unicode.Scalar(value) else {
                throw Failure(message: "invalid unicode code point in escape sequence", offset: start)
            }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        switch code {
        case UInt8(ascii: "a"): output.append(0x07)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "v"): output.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "?"):
            output.append(code)
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            let value = try hex(2)
            if isBytes { output.append(UInt8(value)) } else { try appendScalar(value) }
        case UInt8(ascii: "u"):
            if isBytes { throw Failure(message: "unicode escape in bytes literal", offset: start) }
            try appendScalar(try hex(4))
        case UInt8(ascii: "U"):
            if isBytes { throw Failure(message: "unicode escape in bytes literal", offset: start) }
            try appendScalar(try hex(8))
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            guard index + 2 <= bytes.count, (48...55).contains(bytes[index]), (48...55).contains(bytes[index + 1])
            else { throw Failure(message: "invalid escape sequence", offset: start) }
            let value = UInt32(code - 48) * 64 + UInt32(bytes[index] - 48) * 8 + UInt32(bytes[index + 1] - 48)
            index += 2
            if isBytes { output.append(UInt8(value)) } else { try appendScalar(value) }
        default:
            throw Failure(message: "invalid escape sequence", offset: start)
        }
    }
}
