/// cel-go's `ext.Lists` at version 3, as Kubernetes enables it: `lists.range(n)`, `slice(start, end)`,
/// `flatten()`, `flatten(depth)`, `distinct()`, `reverse()`, `sort()`, the `sortBy(x, key)` macro (the
/// parser expands it over `@sortByAssociatedKeys`), `first()` and `last()` (optionals).
public struct CELListsLibrary: CELLibrary {
    public init() {}

    public func register(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("lists.range", .int) { count in
                guard case .int(let count) = count else { return .error(.noMatchingOverload("lists.range")) }
                // cel-go 0.26 (Kubernetes 1.36) gives an empty list for a negative size.
                if count <= 0 { return .list(CELList([])) }
                if count > 10_000_000 {
                    return .error(CELError("lists.range: size \(count) exceeds maximum allowed (10000000)"))
                }
                return .list(CELList((0..<count).map { .int($0) }))
            })
        registry.add(
            CELOverload(
                "slice", receiver: true, [.list, .int, .int],
                body: .ternary { list, start, end in
                    guard case .list(let list) = list, case .int(let start) = start, case .int(let end) = end else {
                        return .error(.noMatchingOverload("slice"))
                    }
                    if start < 0 || end < 0 {
                        return .error(CELError("cannot slice(\(start), \(end)), negative indexes not supported"))
                    }
                    if start > end {
                        return .error(
                            CELError(
                                "cannot slice(\(start), \(end)), start index must be less than or equal to end index"))
                    }
                    if Int64(list.count) < end {
                        return .error(CELError("cannot slice(\(start), \(end)), list is length \(list.count)"))
                    }
                    return .list(CELList((Int(start)..<Int(end)).map { list[$0] }))
                }))
        registry.add(
            .unary("flatten", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("flatten")) }
                return .list(CELList(Self.flatten(list, depth: 1)))
            })
        registry.add(
            .binary("flatten", receiver: true, .list, .int) { list, depth in
                guard case .list(let list) = list, case .int(let depth) = depth else {
                    return .error(.noMatchingOverload("flatten"))
                }
                if depth < 0 { return .error(CELError("level must be non-negative")) }
                return .list(CELList(Self.flatten(list, depth: depth)))
            })
        registry.add(
            .unary("reverse", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("reverse")) }
                return .list(CELList(list.values.reversed()))
            })
        registry.add(
            .unary("distinct", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("distinct")) }
                var unique: [CELValue] = []
                for value in list.values where !unique.contains(where: { CELValue.equals($0, value) }) {
                    unique.append(value)
                }
                return .list(CELList(unique))
            })
        registry.add(
            .unary("sort", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("sort")) }
                return Self.sort(list, byKeys: list)
            })
        registry.add(
            .binary("@sortByAssociatedKeys", receiver: true, .list, .list) { list, keys in
                guard case .list(let list) = list, case .list(let keys) = keys else {
                    return .error(.noMatchingOverload("@sortByAssociatedKeys"))
                }
                return Self.sort(list, byKeys: keys)
            })
        registry.add(
            .unary("first", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("first")) }
                return .optional(list.count == 0 ? CELValue?.none : list[0])
            })
        registry.add(
            .unary("last", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("last")) }
                return .optional(list.count == 0 ? CELValue?.none : list[list.count - 1])
            })
    }

    static func flatten(_ list: CELList, depth: Int64) -> [CELValue] {
        var result: [CELValue] = []
        for value in list.values {
            if depth > 0, case .list(let inner) = value {
                result.append(contentsOf: flatten(inner, depth: depth - 1))
            } else {
                result.append(value)
            }
        }
        return result
    }

    /// cel-go's `sortListByAssociatedKeys`: the keys must all have the type of the first, which must be
    /// ordered (int, uint, double, bool, string, bytes, timestamp, duration). Equal keys keep their order.
    static func sort(_ list: CELList, byKeys keys: CELList) -> CELValue {
        guard list.count == keys.count else {
            return .error(
                CELError(
                    "@sortByAssociatedKeys() expected a list of the same size as the associated keys list, "
                        + "but got \(list.count) and \(keys.count) elements respectively"))
        }
        if list.count == 0 { return .list(list) }
        let keyValues = keys.values
        let type = keyValues[0].celType
        guard CELKubernetesListsLibrary.isOrdered(keyValues[0]) else {
            return .error(CELError("list elements must be comparable"))
        }
        guard keyValues.allSatisfy({ $0.celType == type }) else {
            return .error(CELError("list elements must have the same type"))
        }
        // Ties keep their original order (Go's sort is stable for the short lists policies sort).
        let stable = keyValues.indices.sorted { a, b in
            let comparison = (try? CELValue.order(keyValues[a], keyValues[b]).get()) ?? nil
            if let comparison, comparison != 0 { return comparison < 0 }
            return a < b
        }
        let values = list.values
        return .list(CELList(stable.map { values[$0] }))
    }
}

/// Kubernetes' list library (`library.Lists`, lists.go, version 0 as Kubernetes 1.36 declares it):
/// `isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf` on lists.
///
/// Over `dyn` lists these behave as cel-go does at run time: `sum` starts from the first element's type
/// (an empty list sums to `0`) and fails on mixed types; `min`/`max`/`isSorted` compare numbers across
/// types and skip pairs of other mixed types; elements that cannot be ordered at all are an error.
public struct CELKubernetesListsLibrary: CELLibrary {
    public init() {}

    /// Whether a value has an ordering (cel-go's `traits.Comparer`).
    static func isOrdered(_ value: CELValue) -> Bool {
        switch value {
        case .int, .uint, .double, .bool, .string, .bytes, .timestamp, .duration: true
        default: false
        }
    }

    public func register(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("isSorted", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("isSorted")) }
                var previous: CELValue?
                for value in list.values {
                    guard Self.isOrdered(value) else { return .error(.noMatchingOverload("isSorted(list)")) }
                    if let previous, case .success(1?) = CELValue.order(previous, value) { return .bool(false) }
                    previous = value
                }
                return .bool(true)
            })
        registry.add(
            .unary("sum", receiver: true, .list) { list in
                guard case .list(let list) = list else { return .error(.noMatchingOverload("sum")) }
                let values = list.values
                guard var total = values.first else { return .int(0) }
                switch total {
                case .int, .uint, .double, .duration: break
                default: return .error(.noMatchingOverload("sum(list)"))
                }
                for value in values.dropFirst() {
                    guard value.celType == total.celType else { return .error(CELError("no such overload")) }
                    total = CELOperators.add(total, value)
                    if case .error = total { return total }
                }
                return total
            })
        for (name, preferred) in [("min", 1), ("max", -1)] {
            registry.add(
                .unary(name, receiver: true, .list) { list in
                    guard case .list(let list) = list else { return .error(.noMatchingOverload(name)) }
                    var result: CELValue?
                    for value in list.values {
                        guard Self.isOrdered(value) else { return .error(.noMatchingOverload("\(name)(list)")) }
                        guard let current = result else {
                            result = value
                            continue
                        }
                        if case .success(preferred?) = CELValue.order(current, value) { result = value }
                    }
                    return result ?? .error(CELError("\(name) called on empty list"))
                })
        }
        for (name, last) in [("indexOf", false), ("lastIndexOf", true)] {
            registry.add(
                .binary(name, receiver: true, .list, .any) { list, item in
                    guard case .list(let list) = list else { return .error(.noMatchingOverload(name)) }
                    let indices = last ? Array((0..<list.count).reversed()) : Array(0..<list.count)
                    for index in indices where CELValue.equals(list[index], item) { return .int(Int64(index)) }
                    return .int(-1)
                })
        }
    }
}

/// cel-go's `ext.Sets`: `sets.contains(list, sublist)` (every element of `sublist` is in `list`),
/// `sets.equivalent(a, b)` (each contains the other) and `sets.intersects(a, b)`, with CEL equality
/// (so `1`, `1u` and `1.0` are the same element).
public struct CELSetsLibrary: CELLibrary {
    public init() {}

    static func contains(_ list: CELList, _ sublist: CELList) -> Bool {
        let values = list.values
        return sublist.values.allSatisfy { item in values.contains { CELValue.equals($0, item) } }
    }

    public func register(into registry: inout CELFunctionRegistry) {
        registry.add(
            .binary("sets.contains", .list, .list) { list, sublist in
                guard case .list(let list) = list, case .list(let sublist) = sublist else {
                    return .error(.noMatchingOverload("sets.contains"))
                }
                return .bool(Self.contains(list, sublist))
            })
        registry.add(
            .binary("sets.equivalent", .list, .list) { a, b in
                guard case .list(let a) = a, case .list(let b) = b else {
                    return .error(.noMatchingOverload("sets.equivalent"))
                }
                return .bool(Self.contains(a, b) && Self.contains(b, a))
            })
        registry.add(
            .binary("sets.intersects", .list, .list) { a, b in
                guard case .list(let a) = a, case .list(let b) = b else {
                    return .error(.noMatchingOverload("sets.intersects"))
                }
                let values = b.values
                return .bool(a.values.contains { item in values.contains { CELValue.equals($0, item) } })
            })
    }
}
