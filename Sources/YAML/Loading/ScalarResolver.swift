/// The typed value of one YAML scalar, before it becomes JSON.
///
/// Integers keep the three shapes go-yaml v2 produces (`int`, `uint64`, `big.Int`) because a mapping key
/// converts them differently from a value.
enum ScalarValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer above `Int64.max` that fits `UInt64` (unsigned text only, as Go's `ParseUint`).
    case unsignedInteger(UInt64)
    /// An integer beyond 64 bits in hex, octal or binary; the nearest `Double`.
    case bigInteger(Double)
    case float(Double)
    case string(String)
}

/// Implicit typing of plain scalars exactly as go-yaml v2's `resolve` (the version vendored by
/// sigs.k8s.io/yaml), which is what `kubectl` and Kyverno apply to manifests and policies:
///
/// - booleans: `y Y yes Yes YES true True TRUE on On ON` and `n N no No NO false False FALSE off Off OFF`
///   (PyYAML does not treat `y`/`n` as booleans);
/// - null: empty, `~`, `null`, `Null`, `NULL`;
/// - integers: optional sign, `_` anywhere (removed first), then Go's base-0 rules: `0x`/`0X` hex, `0o`/`0O`
///   and a leading `0` octal, `0b`/`0B` binary, else decimal. `08` is not octal and so becomes the float 8;
/// - floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (so `1e3` is a float, unlike PyYAML),
///   `.inf`, `+.inf`, `-.inf`, `.nan` in three spellings each; a float that overflows stays a string;
/// - everything else, including timestamps such as `2001-12-14` and sexagesimal `1:20`, is a string
///   (go-yaml v2 returns timestamps as their text when decoding into `interface{}`; PyYAML makes dates).
enum ScalarResolver {
    /// Resolves a plain, untagged scalar.
    static func resolvePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> ScalarValue {
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            if let special = specialValue(bytes) { return special }
            return resolveNumber(bytes) ?? .string(makeString(bytes))
        case UInt8(ascii: "."):
            if let special = specialValue(bytes) { return special }
            if let value = parseDotFloat(bytes) { return .float(value) }
            return .string(makeString(bytes))
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"),
            UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"),
            UInt8(ascii: "~"):
            return specialValue(bytes) ?? .string(makeString(bytes))
        default:
            return .string(makeString(bytes))
        }
    }

    /// Resolves a scalar that carries an explicit tag, with go-yaml v2's checks: `!!str` and `!!binary`
    /// take the text as it is (go-yaml would base64-decode `!!binary`; JSON has no bytes, so Vigil keeps
    /// the base64 text), `!!int 1.5` fails, `!!float 1` is the float 1, unknown and local tags keep the
    /// text. Returns nil when the text does not fit the tag.
    static func resolveTagged(_ bytes: UnsafeBufferPointer<UInt8>, tag: String) -> ScalarValue? {
        switch tag {
        case Tag.null:
            let value = resolvePlain(bytes)
            return value == .null ? value : nil
        case Tag.bool:
            if case .bool = resolvePlain(bytes) { return resolvePlain(bytes) }
            return nil
        case Tag.int:
            switch resolvePlain(bytes) {
            case let value where value.isInteger: return value
            default: return nil
            }
        case Tag.float:
            switch resolvePlain(bytes) {
            case .float(let value), .bigInteger(let value): return .float(value)
            case .int(let value): return .float(Double(value))
            case .unsignedInteger(let value): return .float(Double(value))
            default: return nil
            }
        case Tag.timestamp:
            return looksLikeTimestamp(bytes) ? .string(makeString(bytes)) : nil
        default:
            return .string(makeString(bytes))
        }
    }

    /// The core-schema tags that change how a scalar resolves.
    enum Tag {
        static let null = "tag:yaml.org,2002:null"
        static let bool = "tag:yaml.org,2002:bool"
        static let int = "tag:yaml.org,2002:int"
        static let float = "tag:yaml.org,2002:float"
        static let timestamp = "tag:yaml.org,2002:timestamp"
        static let merge = "tag:yaml.org,2002:merge"
    }

    static func makeString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The fixed spellings go-yaml v2 keeps in its resolve map.
    private static func specialValue(_ bytes: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        guard bytes.count <= 5 else { return nil }
        switch makeString(bytes) {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        case "~", "null", "Null", "NULL": return .null
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        default: return nil
        }
    }

    /// go-yaml's digit-or-sign branch: Go `ParseInt(s, 0, 64)`, then `ParseUint`, then the YAML float
    /// pattern, then (unsigned text only) a big integer; `_` is removed first.
    private static func resolveNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        let plain = bytes.filter { $0 != UInt8(ascii: "_") }
        guard !plain.isEmpty else { return nil }
        let signed = plain[0] == UInt8(ascii: "+") || plain[0] == UInt8(ascii: "-")
        let negative = plain[0] == UInt8(ascii: "-")
        let magnitude = parseGoUnsigned(plain[(signed ? 1 : 0)...])
        if case .value(let value) = magnitude {
            if !negative, value <= UInt64(Int.max) { return .int(Int(value)) }
            if negative, value <= UInt64(Int.max) + 1 { return .int(Int(truncatingIfNeeded: 0 &- value)) }
            if !signed { return .unsignedInteger(value) }
        }
        if matchesYAMLFloat(plain), let value = Double(String(decoding: plain, as: UTF8.self)), value.isFinite {
            return .float(value)
        }
        if !signed, case .outOfRange(let approximate) = magnitude { return .bigInteger(approximate) }
        return nil
    }

    private enum Magnitude {
        case value(UInt64)
        case outOfRange(Double)
        case invalid
    }

    /// Go's `ParseUint(s, 0, 64)` after the sign: base prefixes `0x`, `0o`, `0b` (case-insensitive, with at
    /// least one digit after them) and a bare leading `0` for octal.
    private static func parseGoUnsigned(_ text: ArraySlice<UInt8>) -> Magnitude {
        guard let first = text.first else { return .invalid }
        var base: UInt64 = 10
        var digits = text
        if first == UInt8(ascii: "0") {
            let second = text.count >= 3 ? text[text.startIndex + 1] | 0x20 : 0
            var prefixLength = 2
            switch second {
            case UInt8(ascii: "b"): base = 2
            case UInt8(ascii: "o"): base = 8
            case UInt8(ascii: "x"): base = 16
            default:
                base = 8
                prefixLength = 1
            }
            digits = text.dropFirst(prefixLength)
        }
        var value: UInt64 = 0
        var approximate = 0.0
        var overflow = false
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt64(byte - UInt8(ascii: "A")) + 10
            default: return .invalid
            }
            guard digit < base else { return .invalid }
            approximate = approximate * Double(base) + Double(digit)
            let (shifted, overflowMultiply) = value.multipliedReportingOverflow(by: base)
            let (sum, overflowAdd) = shifted.addingReportingOverflow(digit)
            if overflowMultiply || overflowAdd { overflow = true }
            value = sum
        }
        return overflow ? .outOfRange(approximate) : .value(value)
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
    private static func matchesYAMLFloat(_ text: [UInt8]) -> Bool {
        var index = 0
        let count = text.count
        func digits() -> Int {
            let start = index
            while index < count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if index < count, text[index] == UInt8(ascii: ".") {
                index += 1
                _ = digits()
            }
        }
        if index < count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == count
    }

    /// go-yaml's `.` branch, Go `ParseFloat` on text starting with a dot: `\.[0-9]+([eE][-+]?[0-9]+)?`, with
    /// `_` allowed only between two digits.
    private static func parseDotFloat(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var plain: [UInt8] = []
        plain.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "_") {
                func isDigit(_ position: Int) -> Bool {
                    position >= 0 && position < bytes.count && bytes[position] >= UInt8(ascii: "0")
                        && bytes[position] <= UInt8(ascii: "9")
                }
                guard isDigit(index - 1), isDigit(index + 1) else { return nil }
                continue
            }
            plain.append(byte)
        }
        guard matchesYAMLFloat(plain), plain.first == UInt8(ascii: ".") else { return nil }
        guard let value = Double(String(decoding: plain, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// go-yaml's quick timestamp check (four digits and a dash), enough for `!!timestamp` whose value
    /// stays text anyway.
    private static func looksLikeTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 5 else { return false }
        for index in 0..<4 where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { return false }
        return bytes[4] == UInt8(ascii: "-")
    }
}

extension ScalarValue {
    var isInteger: Bool {
        switch self {
        case .int, .unsignedInteger, .bigInteger: true
        default: false
        }
    }
}
