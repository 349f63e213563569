import JSONValue
import OrderedCollections

/// The built-in operators: arithmetic with overflow errors, comparisons across numeric types,
/// membership, indexing and field selection (plain and optional).
enum CELOperators {
    typealias Binary = @Sendable (CELValue, CELValue) -> CELValue

    /// The strict binary operator of a name. A switch, not a dictionary: a closure read out of a dictionary
    /// is stored at maximal abstraction and every call would go through reabstraction thunks.
    static func binary(_ name: String) -> Binary? {
        switch name {
        case "_+_": add
        case "_-_": subtract
        case "_*_": multiply
        case "_/_": divide
        case "_%_": modulo
        case "_==_": { .bool(CELValue.equals($0, $1)) }
        case "_!=_": { .bool(!CELValue.equals($0, $1)) }
        case "_<_": { compare($0, $1, "_<_") { $0 < 0 } }
        case "_<=_": { compare($0, $1, "_<=_") { $0 <= 0 } }
        case "_>_": { compare($0, $1, "_>_") { $0 > 0 } }
        case "_>=_": { compare($0, $1, "_>=_") { $0 >= 0 } }
        case "@in": contains
        case "_[_]": index
        case "_[?_]": optionalIndex
        case "_?._": optionalSelect
        default: nil
        }
    }

    static func compare(_ a: CELValue, _ b: CELValue, _ name: String, _ test: (Int) -> Bool) -> CELValue {
        switch CELValue.order(a, b) {
        case .success(let order?): return .bool(test(order))
        case .success(nil): return .bool(false)
        case .failure: return .error(.noMatchingOverload(name))
        }
    }

    static func add(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .error(.overflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .error(.overflow) : .uint(r)
        case (.double(let x), .double(let y)): return .double(x + y)
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.bytes(let x), .bytes(let y)): return .bytes(x + y)
        case (.list(var x), .list(let y)):
            x.append(contentsOf: y)
            return .list(x)
        case (.duration(let x), .duration(let y)):
            let (r, o) = x.nanoseconds.addingReportingOverflow(y.nanoseconds)
            return o ? .error(.overflow) : .duration(CELDuration(nanoseconds: r))
        case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
            return shift(t, by: d.nanoseconds)
        default: return .error(.noMatchingOverload("_+_"))
        }
    }

    static func shift(_ t: CELTimestamp, by nanoseconds: Int64) -> CELValue {
        let total = Int64(t.nanos) + nanoseconds % 1_000_000_000
        var seconds = t.seconds + nanoseconds / 1_000_000_000
        var nanos = total
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        } else if nanos >= 1_000_000_000 {
            nanos -= 1_000_000_000
            seconds += 1
        }
        guard let result = CELTimestamp(seconds: seconds, nanos: Int32(nanos)) else { return .error(.overflow) }
        return .timestamp(result)
    }

    static func subtract(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? .error(.overflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? .error(.overflow) : .uint(r)
        case (.double(let x), .double(let y)): return .double(x - y)
        case (.duration(let x), .duration(let y)):
            let (r, o) = x.nanoseconds.subtractingReportingOverflow(y.nanoseconds)
            return o ? .error(.overflow) : .duration(CELDuration(nanoseconds: r))
        case (.timestamp(let t), .duration(let d)):
            guard d.nanoseconds != Int64.min else { return .error(.overflow) }
            return shift(t, by: -d.nanoseconds)
        case (.timestamp(let x), .timestamp(let y)):
            let seconds = x.seconds - y.seconds
            let (s, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            let (r, o2) = s.addingReportingOverflow(Int64(x.nanos) - Int64(y.nanos))
            return o1 || o2 ? .error(.overflow) : .duration(CELDuration(nanoseconds: r))
        default: return .error(.noMatchingOverload("_-_"))
        }
    }

    static func multiply(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? .error(.overflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? .error(.overflow) : .uint(r)
        case (.double(let x), .double(let y)): return .double(x * y)
        default: return .error(.noMatchingOverload("_*_"))
        }
    }

    static func divide(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { return .error(.divisionByZero) }
            let (r, o) = x.dividedReportingOverflow(by: y)
            return o ? .error(.overflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { return .error(.divisionByZero) }
            return .uint(x / y)
        case (.double(let x), .double(let y)): return .double(x / y)
        default: return .error(.noMatchingOverload("_/_"))
        }
    }

    static func modulo(_ a: CELValue, _ b: CELValue) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { return .error(.moduloByZero) }
            let (r, o) = x.remainderReportingOverflow(dividingBy: y)
            return o ? .error(.overflow) : .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { return .error(.moduloByZero) }
            return .uint(x % y)
        default: return .error(.noMatchingOverload("_%_"))
        }
    }

    static func negate(_ a: CELValue) -> CELValue {
        switch a {
        case .int(let x): return x == Int64.min ? .error(.overflow) : .int(-x)
        case .double(let x): return .double(-x)
        case .duration(let d):
            return d.nanoseconds == Int64.min ? .error(.overflow) : .duration(CELDuration(nanoseconds: -d.nanoseconds))
        case .error: return a
        default: return .error(.noMatchingOverload("-_"))
        }
    }

    static func contains(_ element: CELValue, _ container: CELValue) -> CELValue {
        switch container {
        case .list(let list):
            for index in 0..<list.count where CELValue.equals(list[index], element) { return .bool(true) }
            return .bool(false)
        case .map(let map):
            return .bool(map.lookup(element) != nil)
        default: return .error(.noMatchingOverload("@in"))
        }
    }

    /// An index of a list as an int: ints, uints and whole doubles are accepted (as cel-go does).
    static func listIndex(_ value: CELValue) -> Int64? {
        switch value {
        case .int(let x): return x
        case .uint(let x): return Int64(exactly: x)
        case .double(let x): return Int64(exactly: x)
        default: return nil
        }
    }

    static func index(_ container: CELValue, _ key: CELValue) -> CELValue {
        switch container {
        case .list(let list):
            switch key {
            case .int, .uint, .double: break
            default: return .error(.noMatchingOverload("_[_]"))
            }
            guard let position = listIndex(key) else { return .error(CELError("unsupported index value")) }
            guard position >= 0, position < list.count else {
                return .error(CELError("index out of bounds: \(position)"))
            }
            return list[Int(position)]
        case .map(let map):
            switch key {
            case .string, .int, .uint, .bool, .double: break
            default: return .error(.noMatchingOverload("_[_]"))
            }
            return map.lookup(key) ?? .error(.noSuchKey(key))
        case .optional(let wrapped):
            guard let wrapped else { return .optional(nil) }
            return optionalIndex(wrapped, key)
        default: return .error(.noMatchingOverload("_[_]"))
        }
    }

    static func optionalIndex(_ container: CELValue, _ key: CELValue) -> CELValue {
        switch container {
        case .optional(let wrapped):
            guard let wrapped else { return .optional(nil) }
            return optionalIndex(wrapped, key)
        case .list, .map:
            let value = index(container, key)
            if case .error(let error) = value {
                if error.message.hasPrefix("no such key") || error.message.hasPrefix("index out of bounds") {
                    return .optional(nil)
                }
                return value
            }
            return .optional(value)
        default: return .error(.noMatchingOverload("_[?_]"))
        }
    }

    static func select(_ operand: CELValue, _ field: String) -> CELValue {
        switch operand {
        case .map(let map):
            return map[field: field] ?? .error(.noSuchField(field))
        case .optional(let wrapped):
            guard let wrapped else { return .optional(nil) }
            return optionalSelect(wrapped, .string(field))
        case .error: return operand
        default: return .error(CELError("type '\(operand.celType.name)' does not support field selection"))
        }
    }

    /// `operand.f1.f2...`: the same as selecting one field after the other, but through wrapped JSON objects
    /// without wrapping the ones in between.
    static func select(_ operand: CELValue, _ fields: [String]) -> CELValue {
        var current = operand
        var next = 0
        while next < fields.count {
            guard case .map(let map) = current, case .json(let object) = map.box.storage else {
                current = select(current, fields[next])
                next += 1
                continue
            }
            guard let found = object.index(forKey: fields[next]) else { return .error(.noSuchField(fields[next])) }
            var value = object.values[found]
            next += 1
            while next < fields.count {
                guard case .object(let inner) = value else { break }
                guard let found = inner.index(forKey: fields[next]) else { return .error(.noSuchField(fields[next])) }
                value = inner.values[found]
                next += 1
            }
            current = CELValue(json: value)
        }
        return current
    }

    /// `operand.f1.f2...` from an optional operand (`x.?a.b.c`), charging `extra` and 1 per field found, as
    /// cel-go's tracker charges the qualifiers of an optional chain.
    static func select(_ operand: CELValue, _ fields: [String], charging frame: CELFrame, _ extra: Int) -> CELValue {
        frame.charge(extra)
        var current = operand
        for field in fields {
            current = select(current, field)
            if case .optional(nil) = current { return current }
            frame.charge(1)
        }
        return current
    }

    static func optionalSelect(_ operand: CELValue, _ field: CELValue) -> CELValue {
        guard case .string(let name) = field else { return .error(.noMatchingOverload("_?._")) }
        switch operand {
        case .map(let map): return .optional(map[field: name])
        case .optional(let wrapped):
            guard let wrapped else { return .optional(nil) }
            return optionalSelect(wrapped, field)
        default: return .error(CELError("type '\(operand.celType.name)' does not support field selection"))
        }
    }

    static func has(_ operand: CELValue, _ field: String) -> CELValue {
        switch operand {
        case .map(let map): return .bool(map.contains(field: field))
        case .optional(let wrapped):
            guard let wrapped else { return .bool(false) }
            return has(wrapped, field)
        case .error: return operand
        default: return .error(CELError("invalid type for field selection"))
        }
    }

    /// The step of `transformMap` (`accu, key, value`) and `transformMapEntry` (`accu, entryMap`): adds
    /// entries, refusing a key that is already present.
    static func mapInsert(_ values: [CELValue]) -> CELValue {
        guard case .map(let map) = values[0] else { return .error(.noMatchingOverload("@mapInsert")) }
        var entries = OrderedDictionary<CELMapKey, CELValue>()
        for (key, value) in map.entries { entries[key] = value }
        var additions: [(CELValue, CELValue)] = []
        if values.count == 3 {
            additions = [(values[1], values[2])]
        } else if case .map(let entry) = values[1] {
            additions = entry.entries.map { ($0.key.value, $0.value) }
        } else {
            return .error(.noMatchingOverload("@mapInsert"))
        }
        for (key, value) in additions {
            guard let mapKey = CELMapKey(key) else { return .error(CELError("unsupported key type")) }
            if entries[mapKey] != nil { return .error(CELError("insert failed: key \(key.debugText) already exists")) }
            entries[mapKey] = value
        }
        return .map(CELMap(entries))
    }
}
