import JSONValue

/// Walks a ``JMESPathNode`` tree over a document. One interpreter serves one `search` call; it is a small
/// `Sendable` value so that expression references handed to functions can capture it.
///
/// Recursion follows the tree, whose height the parser bounds, so evaluation depth is bounded too.
struct JMESPathInterpreter: Sendable {
    let functions: JMESPathFunctionRegistry
    /// Kyverno's mode: a missing object key on a plain path throws `not-found`.
    let strictKeys: Bool
    /// Counts the nodes that multi-selects and function calls build; `nil` when the expression has neither.
    let budget: JMESPathBudget?

    // swift-format-ignore: CyclomaticComplexity
    func evaluate(_ node: JMESPathNode, _ value: JSONValue) throws(JMESPathError) -> JSONValue {
        switch node {
        case .field(let name):
            return try field(name, of: value)
        case .subexpression(let parts):
            var result = value
            for part in parts {
                if case .field(let name) = part {
                    result = try field(name, of: result)
                } else {
                    result = try evaluate(part, result)
                }
            }
            return result
        case .current:
            return value
        case .literal(let literal):
            return literal
        case .index(let index):
            guard case .array(let elements) = value else { return .null }
            let position = index < 0 ? index + elements.count : index
            return elements.indices.contains(position) ? elements[position] : .null
        case .slice(let slice):
            guard case .array(let elements) = value else { return .null }
            return .array(try Self.slice(elements, slice))
        case .projection(let left, let right):
            guard case .array(let elements) = try lenient(left, value) else { return .null }
            return .array(try project(elements, right))
        case .valueProjection(let left, let right):
            guard case .object(let object) = try lenient(left, value) else { return .null }
            return .array(try project(object.values.elements, right))
        case .filterProjection(let left, let condition, let right):
            guard case .array(let elements) = try lenient(left, value) else { return .null }
            var result: [JSONValue] = []
            for element in elements {
                guard try lenient(condition, element).isTruthy else { continue }
                let projected = try lenient(right, element)
                if !projected.isNull { result.append(projected) }
            }
            return .array(result)
        case .flatten(let operand):
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
        case .pipe(let left, let right):
            let input = try lenient(left, value)
            return try lenient(right, input)
        case .or(let left, let right):
            let result = try lenient(left, value)
            if result.isTruthy { return result }
            return try lenient(right, value)
        case .and(let left, let right):
            let result = try lenient(left, value)
            if !result.isTruthy { return result }
            return try evaluate(right, value)
        case .not(let operand):
            let result = try lenient(operand, value)
            return .bool(!result.isTruthy)
        case .comparison(let comparator, let left, let right):
            let lhs = try lenient(left, value)
            let rhs = try lenient(right, value)
            return Self.compare(comparator, lhs, rhs)
        case .multiSelectList(let elements):
            if value.isNull { return .null }
            var result: [JSONValue] = []
            result.reserveCapacity(elements.count)
            for element in elements { result.append(try lenient(element, value)) }
            let list = JSONValue.array(result)
            if elements.count > 1 { try budget?.charge(list) }
            return list
        case .multiSelectHash(let entries):
            if value.isNull { return .null }
            var result = JSONObject(minimumCapacity: entries.count)
            for entry in entries { result[entry.key] = try lenient(entry.value, value) }
            let object = JSONValue.object(result)
            if entries.count > 1 { try budget?.charge(object) }
            return object
        case .function(let name, let arguments):
            return try call(name, arguments, value)
        case .expressionReference:
            // Only meaningful as a function argument, where `call` handles it.
            return .null
        }
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
