// Re-exported so that every module that uses `JSONObject` sees its API without a second import.
@_exported import OrderedCollections

/// The ordered key/value storage of a JSON object: insertion-ordered keys with hashed lookup.
///
/// `OrderedDictionary` from swift-collections keeps small objects as plain arrays (no hash table)
/// and adds a compact hash table once they grow, which is exactly the shape of Kubernetes objects.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// One dynamic JSON document, used everywhere in Vigil for Kubernetes objects, policies and reports.
///
/// Numbers keep their kind: integers written without a fraction or exponent are exact 64-bit `Int`s
/// (Vigil builds only for 64-bit platforms); everything else is a `Double`. A JSON integer outside the
/// 64-bit range is rejected by the parser with a clear error instead of being rounded.
///
/// Equality follows JSON's data model: numbers compare by value (`1 == 1.0`) and objects compare
/// by their key/value pairs regardless of key order. Hashing agrees with equality.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The JSON type name of this value: `null`, `boolean`, `number`, `string`, `array` or `object`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value as an `Int`: integers as they are, doubles only when they are whole and in range.
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value):
            guard value.rounded() == value, let exact = Int(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    /// The value as a `Double` when it is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    public var isNumber: Bool {
        switch self {
        case .int, .double: true
        default: false
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member named `key` of an object; `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let object) = self { return object[key] }
            return nil
        }
        set {
            guard case .object(var object) = self else { return }
            self = .null
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The element at `index` of an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// Follows a path of object keys, for example `value[path: "metadata", "name"]`.
    public subscript(path keys: String...) -> JSONValue? {
        var current = self
        for key in keys {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)):
            return Double(a) == b && Int(exactly: b) == a
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b[key], other == value else { return false }
            }
            return true
        default: return false
        }
    }
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) {
        /// A scalar: its type tag, then its value (a whole double hashes as the equal integer).
        func scalar(_ tag: UInt8, _ value: some Hashable) {
            hasher.combine(tag)
            hasher.combine(value)
        }
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let value):
            scalar(1, value)
        case .int(let value):
            scalar(2, value)
        case .double(let value):
            if let exact = Int(exactly: value) { scalar(2, exact) } else { scalar(3, value) }
        case .string(let value):
            scalar(4, value)
        case .array(let values):
            hasher.combine(5 as UInt8)
            hasher.combine(values.count)
            for value in values { hasher.combine(value) }
        case .object(let object):
            // Order-insensitive: combine the members' own hashes commutatively.
            hasher.combine(6 as UInt8)
            hasher.combine(object.count)
            var sum = 0
            for (key, value) in object {
                var member = Hasher()
                member.combine(key)
                member.combine(value)
                sum &+= member.finalize()
            }
            hasher.combine(sum)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of this value.
    public var description: String { serialized() }
}
