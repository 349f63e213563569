import JSONValue
import OrderedCollections

/// A CEL list: either CEL values or a JSON array wrapped as it is (elements convert when read).
public struct CELList: Sendable {
    @usableFromInline enum Storage: Sendable {
        case values([CELValue])
        case json([JSONValue])
    }

    @usableFromInline var storage: Storage

    public init(_ values: [CELValue]) { storage = .values(values) }

    @inlinable public init(json: [JSONValue]) { storage = .json(json) }

    @inlinable public var count: Int {
        switch storage {
        case .values(let values): values.count
        case .json(let values): values.count
        }
    }

    @inlinable public subscript(index: Int) -> CELValue {
        switch storage {
        case .values(let values): values[index]
        case .json(let values): CELValue(json: values[index])
        }
    }

    /// The elements as CEL values (converting a wrapped JSON array's top level).
    public var values: [CELValue] {
        switch storage {
        case .values(let values): values
        case .json(let values): values.map(CELValue.init(json:))
        }
    }

    /// Appends in place (the comprehension accumulator of `map` and `filter` stays uniquely owned). Two
    /// wrapped JSON arrays stay a JSON array, and an empty side costs nothing.
    mutating func append(contentsOf other: CELList) {
        if other.count == 0 { return }
        if count == 0 {
            self = other
            return
        }
        switch (storage, other.storage) {
        case (.json(var current), .json(let tail)):
            storage = .values([])
            current.append(contentsOf: tail)
            storage = .json(current)
        case (.values(var current), _):
            storage = .values([])
            current.append(contentsOf: other.values)
            storage = .values(current)
        case (.json, _):
            var current = values
            current.append(contentsOf: other.values)
            storage = .values(current)
        }
    }
}

/// A key of a CEL map: CEL allows bool, int, uint and string keys.
public enum CELMapKey: Hashable, Sendable {
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case string(String)

    /// The key of a value, nil when the value's type cannot be a key.
    public init?(_ value: CELValue) {
        switch value {
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .int(value)
        case .uint(let value): self = .uint(value)
        case .string(let value): self = .string(value)
        default: return nil
        }
    }

    public var value: CELValue {
        switch self {
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .uint(let value): .uint(value)
        case .string(let value): .string(value)
        }
    }

    var text: String {
        switch self {
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .uint(let value): String(value)
        case .string(let value): value
        }
    }
}

/// A CEL map: CEL entries in insertion order, or a JSON object wrapped as it is. The storage sits in an
/// immutable class instance, so a map is one reference wide, copying a ``CELValue`` holding one is a single
/// retain, and a lookup reads the dictionary in place instead of copying (retaining) its three buffers.
public struct CELMap: Sendable {
    @usableFromInline enum Storage: Sendable {
        case entries(OrderedDictionary<CELMapKey, CELValue>)
        case json(JSONObject)
    }

    @usableFromInline final class Box: Sendable {
        @usableFromInline let storage: Storage

        @inlinable init(_ storage: Storage) { self.storage = storage }
    }

    @usableFromInline let box: Box

    public init(_ entries: OrderedDictionary<CELMapKey, CELValue>) { box = Box(.entries(entries)) }

    @inlinable public init(json: JSONObject) { box = Box(.json(json)) }

    public var count: Int {
        switch box.storage {
        case .entries(let entries): entries.count
        case .json(let object): object.count
        }
    }

    /// The value of a string key (field selection `m.f`), nil when absent.
    @inlinable public subscript(field name: String) -> CELValue? {
        switch box.storage {
        case .json(let object): object.index(forKey: name).map { CELValue(json: object.values[$0]) }
        case .entries(let entries): entries[.string(name)]
        }
    }

    /// Whether a string key is present (`has(m.f)`), without converting its value.
    @inlinable public func contains(field name: String) -> Bool {
        switch box.storage {
        case .json(let object): object.index(forKey: name) != nil
        case .entries(let entries): entries.index(forKey: .string(name)) != nil
        }
    }

    /// The value under a key with CEL's heterogeneous numeric key equality (`{1: x}[1u]`, `[1.0]`).
    public func lookup(_ key: CELValue) -> CELValue? {
        switch box.storage {
        case .json(let object):
            guard case .string(let name) = key else { return nil }
            return object[name].map(CELValue.init(json:))
        case .entries(let entries):
            switch key {
            case .string(let name): return entries[.string(name)]
            case .bool(let value): return entries[.bool(value)]
            case .int(let value):
                return entries[.int(value)] ?? (value >= 0 ? entries[.uint(UInt64(value))] : nil)
            case .uint(let value):
                return entries[.uint(value)] ?? Int64(exactly: value).flatMap { entries[.int($0)] }
            case .double(let value):
                if let exact = Int64(exactly: value), let found = entries[.int(exact)] { return found }
                if let exact = UInt64(exactly: value), let found = entries[.uint(exact)] { return found }
                return nil
            default: return nil
            }
        }
    }

    /// The keys in order, as values.
    public var keys: [CELValue] {
        switch box.storage {
        case .entries(let entries): entries.keys.map(\.value)
        case .json(let object): object.keys.map { .string($0) }
        }
    }

    /// Calls `body` with each key in order until it returns false (no values are converted).
    func forEachKey(_ body: (CELValue) -> Bool) {
        switch box.storage {
        case .entries(let entries):
            for key in entries.keys where !body(key.value) { return }
        case .json(let object):
            for key in object.keys where !body(.string(key)) { return }
        }
    }

    /// The entries in order.
    public var entries: [(key: CELMapKey, value: CELValue)] {
        switch box.storage {
        case .entries(let entries): entries.map { ($0.key, $0.value) }
        case .json(let object): object.map { (.string($0.key), CELValue(json: $0.value)) }
        }
    }
}
