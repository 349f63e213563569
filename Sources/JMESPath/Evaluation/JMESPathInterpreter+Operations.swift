import JSONValue

extension JMESPathInterpreter {
    // MARK: - Comparisons

    /// `==` and `!=` compare any values (numbers by value); ordering applies to numbers only and gives
    /// `null` for anything else.
    static func compare(_ comparator: JMESPathComparator, _ left: JSONValue, _ right: JSONValue) -> JSONValue {
        switch comparator {
        case .equal: return .bool(left == right)
        case .notEqual: return .bool(left != right)
        default: break
        }
        guard let order = numericOrder(left, right) else { return .null }
        switch comparator {
        case .lessThan: return .bool(order < 0)
        case .lessThanOrEqual: return .bool(order <= 0)
        case .greaterThan: return .bool(order > 0)
        case .greaterThanOrEqual: return .bool(order >= 0)
        case .equal, .notEqual: return .null
        }
    }

    /// -1, 0 or 1 for two numbers; `nil` when either is not a number (or is NaN).
    static func numericOrder(_ left: JSONValue, _ right: JSONValue) -> Int? {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            return a < b ? -1 : (a == b ? 0 : 1)
        default:
            guard let a = left.doubleValue, let b = right.doubleValue, !a.isNaN, !b.isNaN else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
    }

    // MARK: - Slices

    /// Python's slice semantics with overflow-safe arithmetic: bounds are clamped to the array, a
    /// negative step walks backwards.
    /// - Throws: `invalid-value` for a step of 0.
    static func slice(_ elements: [JSONValue], _ slice: JMESPathSlice) throws(JMESPathError) -> [JSONValue] {
        let step = slice.step ?? 1
        if step == 0 { throw JMESPathError(.invalidValue, "a slice step cannot be 0") }
        let count = elements.count
        func clamp(_ bound: Int, lower: Int, upper: Int) -> Int {
            // `bound + count` cannot overflow for a negative bound.
            let adjusted = bound < 0 ? bound + count : bound
            return min(max(adjusted, lower), upper)
        }
        var result: [JSONValue] = []
        if step > 0 {
            let start = slice.start.map { clamp($0, lower: 0, upper: count) } ?? 0
            let stop = slice.stop.map { clamp($0, lower: 0, upper: count) } ?? count
            guard start < stop else { return result }
            if step == 1 { return Array(elements[start..<stop]) }
            result.reserveCapacity((stop - start) / step + 1)
            var index = start
            while index < stop {
                result.append(elements[index])
                let (next, overflow) = index.addingReportingOverflow(step)
                if overflow { break }
                index = next
            }
        } else {
            let start = slice.start.map { clamp($0, lower: -1, upper: count - 1) } ?? (count - 1)
            let stop = slice.stop.map { clamp($0, lower: -1, upper: count - 1) } ?? -1
            var index = start
            while index > stop {
                result.append(elements[index])
                let (next, overflow) = index.addingReportingOverflow(step)
                if overflow { break }
                index = next
            }
        }
        return result
    }

    // MARK: - Function calls

    func call(
        _ name: String, _ argumentNodes: [JMESPathNode], _ value: JSONValue
    ) throws(JMESPathError) -> JSONValue {
        guard let function = functions.function(named: name) else {
            throw JMESPathError(.unknownFunction, "unknown function \(name)()")
        }
        var arguments: [JMESPathArgument] = []
        arguments.reserveCapacity(argumentNodes.count)
        for node in argumentNodes {
            if case .expressionReference(let referenced) = node {
                let interpreter = self
                arguments.append(
                    .expression(
                        JMESPathExpressionReference { element throws(JMESPathError) in
                            try interpreter.evaluate(referenced, element)
                        }))
            } else {
                arguments.append(.value(try lenient(node, value)))
            }
        }
        try Self.check(arguments, against: function)
        return try function.body(arguments)
    }

    /// Checks the arity and the argument types against the function's parameters.
    /// - Throws: `invalid-arity` or `invalid-type`.
    static func check(_ arguments: [JMESPathArgument], against function: JMESPathFunction) throws(JMESPathError) {
        let parameters = function.parameters
        let required = parameters.count(where: { !$0.optional })
        let tooMany = !function.variadic && arguments.count > parameters.count
        if arguments.count < required || tooMany {
            let expected: String
            if function.variadic {
                expected = "at least \(required)"
            } else if required == parameters.count {
                expected = "\(required)"
            } else {
                expected = "\(required) to \(parameters.count)"
            }
            let noun = expected == "1" ? "argument" : "arguments"
            throw JMESPathError(
                .invalidArity, "\(function.name)() takes \(expected) \(noun), got \(arguments.count)")
        }
        for (position, argument) in arguments.enumerated() {
            let parameter = parameters[min(position, parameters.count - 1)]
            if parameter.types.contains(where: { $0.matches(argument) }) { continue }
            let expected = parameter.types.map(\.description).joined(separator: "|")
            let actual: String
            switch argument {
            case .value(let value): actual = value.typeName
            case .expression: actual = "expression"
            }
            throw JMESPathError(
                .invalidType,
                "\(function.name)() expects argument \(position + 1) to be \(expected), got \(actual)")
        }
    }
}

extension JMESPathType {
    /// Whether an argument has this type; `array[T]` requires every element to have type `T`.
    func matches(_ argument: JMESPathArgument) -> Bool {
        switch argument {
        case .expression: return self == .expression
        case .value(let value): return matches(value)
        }
    }

    func matches(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.any, _): true
        case (.null, .null): true
        case (.boolean, .bool): true
        case (.number, .int), (.number, .double): true
        case (.string, .string): true
        case (.array, .array): true
        case (.object, .object): true
        case (.arrayOf(let element), .array(let elements)): elements.allSatisfy { element.matches($0) }
        default: false
        }
    }
}
