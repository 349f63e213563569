import JSONValue

/// Walks a ``JMESPathNode`` tree over a document. One interpreter serves one `search` call; it is a small
/// `Sendable` value so that expression references handed to functions can capture it.
///
/// Recursion follows the tree, whose height the parser bounds, so evaluation depth is bounded too.
struct JMESPathInterpreter: Sendable {
    let functions: JMESPathFunctionRegistry
    /// Kyverno's mode: a missing object key on a plain path throws `not-found`.
    let strictKeys: Bool
    /// Counts the nodes of ``JMESPathNode/sizeChecked(_:)`` results; `nil` when the expression has none.
    let budget: JMESPathBudget?

    // Each non-trivial case lives in its own method: the recursion passes through this switch once per
    // tree level, and small frames keep the stack used by the deepest accepted trees small (notably in
    // debug builds, where a function's frame holds every local of every case).
    // swift-format-ignore: CyclomaticComplexity
    func evaluate(_ node: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        switch node {
        case .field(let name): return try field(name, of: value)
        case .subexpression(let parts): return try subexpression(parts, value)
        case .current: return value
        case .literal(let literal): return literal
        case .index(let index): return Self.index(index, of: value)
        case .slice(let slice):
            guard case .array(let elements) = value else { return .null }
            return .array(try Self.slice(elements, slice))
        case .projection(let left, let right): return try projection(left, right, value)
        case .valueProjection(let left, let right): return try valueProjection(left, right, value)
        case .filterProjection(let left, let condition, let right):
            return try filterProjection(left, condition, right, value)
        case .flatten(let operand): return try flatten(operand, value)
        case .pipe(let left, let right): return try pipe(left, right, value)
        case .or(let left, let right): return try or(left, right, value)
        case .and(let left, let right): return try and(left, right, value)
        case .not(let operand): return try not(operand, value)
        case .comparison(let comparator, let left, let right): return try comparison(comparator, left, right, value)
        case .multiSelectList(let elements): return try multiSelectList(elements, value)
        case .multiSelectHash(let entries): return try multiSelectHash(entries, value)
        case .function(let name, let arguments): return try call(name, arguments, value)
        // Only meaningful as a function argument, where `call` handles it.
        case .expressionReference: return .null
        case .sizeChecked(let operand): return try sizeChecked(operand, value)
        }
    }

    private func subexpression(_ parts: [JMESPathNode], _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        var result = value
        for part in parts {
            if case .field(let name) = part {
                result = try field(name, of: result)
            } else {
                result = try evaluate(part, result)
            }
        }
        return result
    }

    private static func index(_ index: Int, of value: JSONValue) -> JSONValue {
        guard case .array(let elements) = value else { return .null }
        let position = index < 0 ? index + elements.count : index
        return elements.indices.contains(position) ? elements[position] : .null
    }

    private func projection(
        _ left: JMESPathNode, _ right: JMESPathNode, _ value: JSONValue
    ) throws(JMESPathError) -> JSONValue {
        guard case .array(let elements) = try lenient(left, value) else { return .null }
        return .array(try project(elements, right))
    }

    private func valueProjection(
        _ left: JMESPathNode, _ right: JMESPathNode, _ value: JSONValue
    ) throws(JMESPathError) -> JSONValue {
        guard case .object(let object) = try lenient(left, value) else { return .null }
        return .array(try project(object.values.elements, right))
    }

    private func filterProjection(
        _ left: JMESPathNode, _ condition: JMESPathNode, _ right: JMESPathNode, _ value: JSONValue
    ) throws(JMESPathError) -> JSONValue {
        guard case .array(let elements) = try lenient(left, value) else { return .null }
        var result: [JSONValue] = []
        for element in elements {
            guard try lenient(condition, element).isTruthy else { continue }
            let projected = try lenient(right, element)
            if !projected.isNull { result.append(projected) }
        }
        return .array(result)
    }

    private func flatten(_ operand: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        guard case .array(let elements) = try lenient(operand, value) else { return .null }
        var result: [JSONValue] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            if case .array(let inner) = element {
                result.append(contentsOf: inner)
            } else {
                result.append(element)
            }
        }
        return .array(result)
    }

    private func pipe(_ left: JMESPathNode, _ right: JMESPathNode, _ value: JSONValue) throws(JMESPathError)
        -> JSONValue
    {
        let input = try lenient(left, value)
        return try lenient(right, input)
    }

    private func or(_ left: JMESPathNode, _ right: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue
    {
        let result = try lenient(left, value)
        if result.isTruthy { return result }
        return try lenient(right, value)
    }

    private func and(_ left: JMESPathNode, _ right: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue
    {
        let result = try lenient(left, value)
        if !result.isTruthy { return result }
        return try evaluate(right, value)
    }

    private func not(_ operand: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        .bool(!(try lenient(operand, value)).isTruthy)
    }

    private func comparison(
        _ comparator: JMESPathComparator, _ left: JMESPathNode, _ right: JMESPathNode, _ value: JSONValue
    ) throws(JMESPathError) -> JSONValue {
        let lhs = try lenient(left, value)
        let rhs = try lenient(right, value)
        return Self.compare(comparator, lhs, rhs)
    }

    private func multiSelectList(_ elements: [JMESPathNode], _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        if value.isNull { return .null }
        var result: [JSONValue] = []
        result.reserveCapacity(elements.count)
        for element in elements { result.append(try lenient(element, value)) }
        return .array(result)
    }

    private func multiSelectHash(_ entries: [JMESPathKeyValue], _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        if value.isNull { return .null }
        var result = JSONObject(minimumCapacity: entries.count)
        for entry in entries { result[entry.key] = try lenient(entry.value, value) }
        return .object(result)
    }

    private func sizeChecked(_ operand: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        let result = try evaluate(operand, value)
        try budget?.charge(result)
        return result
    }

    /// Evaluates a node where Kyverno's engine treats a missing key as `null` rather than an error.
    @inline(__always)
    func lenient(_ node: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        do {
            return try evaluate(node, value)
        } catch {
            if error.kind == .notFound { return .null }
            throw error
        }
    }

    @inline(__always)
    private func field(_ name: String, of value: JSONValue) throws(JMESPathError) -> JSONValue {
        guard case .object(let object) = value else { return .null }
        if let member = object[name] { return member }
        if strictKeys { throw JMESPathError(.notFound, "Unknown key \"\(name)\" in path") }
        return .null
    }

    private func project(_ elements: [JSONValue], _ right: JMESPathNode) throws(JMESPathError) -> [JSONValue] {
        var result: [JSONValue] = []
        result.reserveCapacity(elements.count)
        if case .current = right {
            for element in elements where !element.isNull { result.append(element) }
            return result
        }
        for element in elements {
            let projected = try lenient(right, element)
            if !projected.isNull { result.append(projected) }
        }
        return result
    }
}

extension JSONValue {
    /// JMESPath truthiness: `false`, `null`, and empty strings, arrays and objects are false; everything
    /// else (including `0`) is true.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let flag): flag
        case .int, .double: true
        case .string(let string): !string.isEmpty
        case .array(let elements): !elements.isEmpty
        case .object(let object): !object.isEmpty
        }
    }
}
