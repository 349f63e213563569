import JSONValue

/// One CEL value. Errors are values too (see ``CELError``): the evaluator propagates them and the
/// logical operators absorb them as the spec requires.
///
/// Kubernetes objects enter through ``init(json:)``, which wraps a JSON object or array without
/// converting it: members are converted one at a time when an expression reaches them. JSON integers
/// stay `int`.
public enum CELValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list(CELList)
    case map(CELMap)
    case timestamp(CELTimestamp)
    case duration(CELDuration)
    case type(CELType)
    /// `optional.of(x)` is `.optional(x)`, `optional.none()` is `.optional(nil)`.
    indirect case optional(CELValue?)
    /// A value of a type defined by a library (Kubernetes' quantity, IP, URL, ...). Boxed, so that the
    /// existential does not make every value five words wide.
    indirect case opaque(any CELOpaqueValue)
    case error(CELError)

    /// Wraps a JSON value: scalars convert, objects and arrays are wrapped as they are.
    @inlinable public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(Int64(value))
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let values): self = .list(CELList(json: values))
        case .object(let object): self = .map(CELMap(json: object))
        }
    }

    /// The runtime type of the value.
    public var celType: CELType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        case .list: .list
        case .map: .map
        case .timestamp: .timestamp
        case .duration: .duration
        case .type: .type
        case .optional: .optional
        case .opaque(let value): .opaque(value.celTypeName)
        case .error: .error
        }
    }

    /// Whether this is an error value.
    @inlinable public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// The value as JSON, for output: maps need string keys, and bytes, timestamps, durations, types and
    /// opaque values are written as their string forms. Nil for errors.
    public var json: JSONValue? {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(Int(value))
        case .uint(let value): return Int(exactly: value).map { .int($0) } ?? .double(Double(value))
        case .double(let value): return .double(value)
        case .string(let value): return .string(value)
        case .bytes(let value): return .string(String(decoding: value, as: UTF8.self))
        case .list(let list):
            var result: [JSONValue] = []
            result.reserveCapacity(list.count)
            for index in 0..<list.count {
                guard let element = list[index].json else { return nil }
                result.append(element)
            }
            return .array(result)
        case .map(let map):
            var result = JSONObject()
            for (key, value) in map.entries {
                guard let element = value.json else { return nil }
                result[key.text] = element
            }
            return .object(result)
        case .timestamp(let value): return .string(value.description)
        case .duration(let value): return .string(value.description)
        case .type(let value): return .string(value.name)
        case .optional(let value): return value.map { $0.json } ?? .null
        case .opaque(let value): return .string(value.description)
        case .error: return nil
        }
    }

    /// A short rendering for error messages.
    var debugText: String {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .uint(let value): return "\(value)u"
        case .double(let value): return CELValue.format(double: value)
        case .bool(let value): return String(value)
        default: return "\(celType.name) value"
        }
    }

    /// cel-go's `string(double)`: Go's `strconv.FormatFloat(x, 'g', -1, 64)`, the shortest digits that
    /// read back, in exponent form when the exponent is below -4 or at least 6 (`1e+06`, `1.5`, `1e-05`).
    static func format(double value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let sign = value < 0 ? "-" : ""
        // Swift prints the shortest round-tripping digits too; take them apart into digits and exponent.
        let text = "\(value.magnitude)"
        var mantissa = Substring(text)
        var exponent10 = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent10 = Int(String(text[text.index(after: e)...].filter { $0 != "+" })) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = Array(parts[0] + (parts.count > 1 ? parts[1] : ""))
        var point = parts[0].count + exponent10
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            var result = sign + String(digits[0])
            if digits.count > 1 { result += "." + String(digits[1...]) }
            let magnitude = Swift.abs(exponent)
            return result + (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
}

/// A value of a type a library defines (Kubernetes' `Quantity`, `IP`, `URL`, ...). Functions over it are
/// registered as overloads whose argument kind is ``CELKind/opaque(_:)`` with the same type name.
public protocol CELOpaqueValue: Sendable, CustomStringConvertible {
    /// The CEL type name, as `type(x)` reports it (`kubernetes.Quantity`, `net.IP`).
    var celTypeName: String { get }
    /// CEL equality with another value of the same type name.
    func isEqual(to other: any CELOpaqueValue) -> Bool
}

/// A library type whose values `string(x)` converts (to their ``CustomStringConvertible/description``), as
/// Kubernetes declares `string` for `net.IP` and `net.CIDR` but not for quantities, semvers or URLs.
public protocol CELStringConvertible: CELOpaqueValue {}

extension CELValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension CELValue: Equatable {
    /// CEL equality (`==`), with errors equal only by message (for tests).
    public static func == (lhs: CELValue, rhs: CELValue) -> Bool {
        if case .error(let left) = lhs, case .error(let right) = rhs { return left == right }
        return CELValue.equals(lhs, rhs)
    }
}
