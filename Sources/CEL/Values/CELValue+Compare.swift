/// CEL equality and ordering: numbers compare by value across int, uint and double (as cel-go does),
/// other values only within their type; `==` between different types is `false`, not an error.
extension CELValue {
    /// CEL `==`. Lists and maps compare element by element; NaN equals nothing.
    public static func equals(_ lhs: CELValue, _ rhs: CELValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return CELText.equal(a, b)  // no Unicode normalisation
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.int, .int), (.int, .uint), (.int, .double), (.uint, .int), (.uint, .uint), (.uint, .double),
            (.double, .int), (.double, .uint), (.double, .double):
            return compareNumbers(lhs, rhs) == 0
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            for index in 0..<a.count where !equals(a[index], b[index]) { return false }
            return true
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.entries {
                guard let other = b.lookup(key.value), equals(value, other) else { return false }
            }
            return true
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        case (.type(let a), .type(let b)): return a == b
        case (.optional(let a), .optional(let b)):
            switch (a, b) {
            case (nil, nil): return true
            case (let x?, let y?): return equals(x, y)
            default: return false
            }
        case (.opaque(let a), .opaque(let b)): return a.celTypeName == b.celTypeName && a.isEqual(to: b)
        default: return false
        }
    }

    /// Exact, typed identity (1 and 1u differ; NaN is identical to NaN); for tests and caches.
    public static func identical(_ lhs: CELValue, _ rhs: CELValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            for index in 0..<a.count where !identical(a[index], b[index]) { return false }
            return true
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.entries {
                guard let other = b.entries.first(where: { $0.key == key })?.value, identical(value, other) else {
                    return false
                }
            }
            return true
        case (.optional(let a), .optional(let b)):
            switch (a, b) {
            case (nil, nil): return true
            case (let x?, let y?): return identical(x, y)
            default: return false
            }
        case (.int, _), (.uint, _), (.double, _), (_, .int), (_, .uint), (_, .double): return false
        case (.error(let a), .error(let b)): return a == b
        default: return equals(lhs, rhs)
        }
    }

    /// -1, 0 or 1 for two numbers of any numeric types; nil when unordered (NaN).
    static func compareNumbers(_ lhs: CELValue, _ rhs: CELValue) -> Int? {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.uint(let a), .uint(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.double(let a), .double(let b)):
            if a.isNaN || b.isNaN { return nil }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.int(let a), .uint(let b)):
            if a < 0 { return -1 }
            let x = UInt64(a)
            return x < b ? -1 : (x > b ? 1 : 0)
        case (.uint, .int): return compareNumbers(rhs, lhs).map { -$0 }
        case (.int(let a), .double(let b)): return compare(int: a, double: b)
        case (.double, .int): return compareNumbers(rhs, lhs).map { -$0 }
        case (.uint(let a), .double(let b)): return compare(uint: a, double: b)
        case (.double, .uint): return compareNumbers(rhs, lhs).map { -$0 }
        default: return nil
        }
    }

    /// cel-go's `compareIntDouble`: out-of-range doubles order outside, the rest compare as doubles (so
    /// `9223372036854775807 == 9223372036854775808.0`, as the conformance suite expects).
    private static func compare(int a: Int64, double b: Double) -> Int? {
        if b.isNaN { return nil }
        if b < -9.223372036854775808e18 { return 1 }
        if b > 9.223372036854775808e18 { return -1 }
        let x = Double(a)
        return x < b ? -1 : (x > b ? 1 : 0)
    }

    /// cel-go's `compareUintDouble`, the same way.
    private static func compare(uint a: UInt64, double b: Double) -> Int? {
        if b.isNaN { return nil }
        if b < 0 { return 1 }
        if b > 1.8446744073709551616e19 { return -1 }
        let x = Double(a)
        return x < b ? -1 : (x > b ? 1 : 0)
    }

    /// The ordering of `<`, `<=`, `>`, `>=`: numbers across types, and strings, bytes, bools,
    /// timestamps and durations within their type. `.failure` when the types cannot be ordered, nil
    /// when unordered (NaN).
    static func order(_ lhs: CELValue, _ rhs: CELValue) -> Result<Int?, CELError> {
        switch (lhs, rhs) {
        case (.int, _), (.uint, _), (.double, _):
            switch rhs {
            case .int, .uint, .double: return .success(compareNumbers(lhs, rhs))
            default: return .failure(.noMatchingOverload("_<_"))
            }
        case (.string(let a), .string(let b)):
            // Code point order, as Go compares UTF-8 bytes.
            return .success(a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a.utf8.elementsEqual(b.utf8) ? 0 : 1))
        case (.bytes(let a), .bytes(let b)): return .success(a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1))
        case (.bool(let a), .bool(let b)): return .success(a == b ? 0 : (a ? 1 : -1))
        case (.timestamp(let a), .timestamp(let b)): return .success(a < b ? -1 : (a == b ? 0 : 1))
        case (.duration(let a), .duration(let b)): return .success(a < b ? -1 : (a == b ? 0 : 1))
        default: return .failure(.noMatchingOverload("_<_"))
        }
    }
}
