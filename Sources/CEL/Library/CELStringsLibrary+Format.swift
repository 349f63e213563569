import Foundation

/// `string.format(list)` of ext.Strings: `%s`, `%d`, `%f`/`%e` (with `.N` precision), `%b`, `%o`, `%x`/`%X`
/// and `%%`, with cel-go's renderings (`Infinity`, lists as `[a, b]`, maps with sorted keys).
extension CELStringsLibrary {
    static func format(_ template: CELValue, _ arguments: CELValue) -> CELValue {
        guard case .string(let template) = template, case .list(let arguments) = arguments else {
            return overload("format")
        }
        var result = ""
        var scalars = template.unicodeScalars.makeIterator()
        var next = 0
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard var clause = scalars.next() else {
                return .error(CELError("could not parse formatting clause: unexpected end of string"))
            }
            if clause == "%" {
                result += "%"
                continue
            }
            var precision: Int?
            if clause == "." {
                var digits = ""
                while let digit = scalars.next() {
                    if digit.properties.numericType != nil, digit.isASCII {
                        digits.unicodeScalars.append(digit)
                    } else {
                        clause = digit
                        break
                    }
                }
                precision = Int(digits) ?? 0
            }
            guard next < arguments.count else { return .error(CELError("index \(next) out of range")) }
            let argument = arguments[next]
            next += 1
            let formatted: Result<String, CELError>
            switch clause {
            case "s": formatted = formatString(argument)
            case "d": formatted = formatDecimal(argument)
            case "f": formatted = formatFloat(argument, "f", precision ?? 6, name: "fixed-point")
            case "e": formatted = formatFloat(argument, "e", precision ?? 6, name: "scientific")
            case "b": formatted = formatRadix(argument, 2, uppercase: false)
            case "o": formatted = formatRadix(argument, 8, uppercase: false)
            case "x", "X": formatted = formatRadix(argument, 16, uppercase: clause == "X")
            default:
                return .error(
                    CELError("could not parse formatting clause: unrecognized formatting clause \"\(clause)\""))
            }
            switch formatted {
            case .success(let text): result += text
            case .failure(let error): return .error(CELError("error during formatting: \(error.message)"))
            }
        }
        return .string(result)
    }

    private static func special(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return nil
    }

    static func formatString(_ value: CELValue) -> Result<String, CELError> {
        switch value {
        case .string(let text): return .success(text)
        case .bool(let flag): return .success(String(flag))
        case .int(let number): return .success(String(number))
        case .uint(let number): return .success(String(number))
        case .double(let number): return .success(special(number) ?? CELValue.format(double: number))
        case .bytes(let bytes): return .success(String(decoding: bytes, as: UTF8.self))
        case .null: return .success("null")
        case .type(let type): return .success(type.name)
        case .timestamp(let time): return .success(time.description)
        case .duration(let duration): return .success(duration.description)
        case .list(let list):
            var parts: [String] = []
            for index in 0..<list.count {
                switch formatString(list[index]) {
                case .success(let text): parts.append(text)
                case .failure(let error): return .failure(error)
                }
            }
            return .success("[" + parts.joined(separator: ", ") + "]")
        case .map(let map):
            var parts: [(String, String)] = []
            for (key, element) in map.entries {
                guard case .success(let keyText) = formatString(key.value) else { return .failure(stringClause) }
                switch formatString(element) {
                case .success(let text): parts.append((keyText, text))
                case .failure(let error): return .failure(error)
                }
            }
            parts.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            return .success("{" + parts.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}")
        case .opaque(let opaque): return .success(opaque.description)
        default: return .failure(stringClause)
        }
    }

    private static let stringClause = CELError(
        "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps"
    )

    private static func formatDecimal(_ value: CELValue) -> Result<String, CELError> {
        switch value {
        case .int(let number): return .success(String(number))
        case .uint(let number): return .success(String(number))
        case .double(let number) where special(number) != nil: return .success(special(number)!)
        default:
            return .failure(CELError("decimal clause can only be used on integers, was given \(value.celType.name)"))
        }
    }

    private static func formatFloat(_ value: CELValue, _ style: String, _ precision: Int, name: String) -> Result<
        String, CELError
    > {
        let number: Double
        switch value {
        case .double(let x): number = x
        case .int(let x): number = Double(x)
        case .uint(let x): number = Double(x)
        default:
            return .failure(CELError("\(name) clause can only be used on doubles, was given \(value.celType.name)"))
        }
        if let text = special(number) { return .success(text) }
        return .success(String(format: "%.\(min(precision, 100))\(style)", number))
    }

    private static func formatRadix(_ value: CELValue, _ radix: Int, uppercase: Bool) -> Result<String, CELError> {
        switch value {
        case .int(let number):
            let digits = String(number.magnitude, radix: radix, uppercase: uppercase)
            return .success(number < 0 ? "-" + digits : digits)
        case .uint(let number): return .success(String(number, radix: radix, uppercase: uppercase))
        case .bool(let flag) where radix == 2: return .success(flag ? "1" : "0")
        case .string(let text) where radix == 16: return .success(hex(Array(text.utf8), uppercase: uppercase))
        case .bytes(let bytes) where radix == 16: return .success(hex(bytes, uppercase: uppercase))
        default:
            let kind = value.celType.name
            switch radix {
            case 2: return .failure(CELError("only integers and bools can be formatted as binary, was given \(kind)"))
            case 8: return .failure(CELError("octal clause can only be used on integers, was given \(kind)"))
            default:
                return .failure(
                    CELError("only integers, byte buffers, and strings can be formatted as hex, was given \(kind)"))
            }
        }
    }

    private static func hex(_ bytes: [UInt8], uppercase: Bool) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: result, as: UTF8.self)
    }
}
