extension CELCompiler {
    mutating func call(
        _ function: String, target: CELExpr?, arguments: [CELExpr], at offset: Int
    ) throws(CELCompileError) -> CELEval {
        let exempt = function == "format"
        if exempt { homogeneityExemptions += 1 }
        defer { if exempt { homogeneityExemptions -= 1 } }
        // `optional.of(x)`, `math.greatest(...)`: a namespaced global function, not a receiver call.
        if let target, let namespace = target.qualifiedName,
            resolveLocal(namespace.prefix { $0 != "." }.description) == nil,
            !environment.variables.contains(namespace), environment.functions.contains(namespace + "." + function)
        {
            return try call(namespace + "." + function, target: nil, arguments: arguments, at: offset)
        }
        if target == nil, let special = try logical(function, arguments) { return special }
        if target == nil, let binary = CELOperators.binary(function), arguments.count == 2 {
            let left = try compile(arguments[0])
            let right = try compile(arguments[1])
            return { frame in
                let l = left(frame)
                if case .error = l { return l }
                let r = right(frame)
                if case .error = r { return r }
                return binary(l, r)
            }
        }
        if target == nil, function == "-_", arguments.count == 1 {
            let operand = try compile(arguments[0])
            return { frame in CELOperators.negate(operand(frame)) }
        }
        var all = arguments
        if let target { all.insert(target, at: 0) }
        let candidates = environment.functions.candidates(function, receiver: target != nil, arity: all.count)
        if let target, let fused = try optionalChain(function, target: target, arguments: arguments, candidates) {
            return fused
        }
        guard !candidates.isEmpty else {
            if environment.defersUndeclaredReferences {
                let compiled = try all.map { (argument) throws(CELCompileError) in CELNode(eval: try compile(argument))
                }
                return CELDispatch.make(function, bodies: [], arguments: compiled)
            }
            if environment.functions.contains(function) {
                throw error(
                    "found no matching overload for '\(function)' applied to \(all.count) argument(s)", at: offset)
            }
            throw error("undeclared reference to '\(function)' (in container '')", at: offset)
        }
        let compiled = try all.map { (argument) throws(CELCompileError) in CELNode(eval: try compile(argument)) }
        var constants: [CELValue?] = all.map {
            if case .literal(let value) = $0.kind { value } else { nil }
        }
        if constants.allSatisfy({ $0 == nil }) { constants = [] }
        let bodies: [([CELKind], CELFunctionBody)] = candidates.map { overload in
            if !constants.isEmpty, let specialize = overload.specialize, let body = specialize(constants) {
                return (overload.argumentKinds, body)
            }
            return (overload.argumentKinds, overload.body)
        }
        return CELDispatch.make(function, bodies: bodies, arguments: compiled)
    }

    /// The non-strict operators: `&&`, `||`, `?:`, `!`, `@not_strictly_false`.
    mutating func logical(_ function: String, _ arguments: [CELExpr]) throws(CELCompileError) -> CELEval? {
        switch (function, arguments.count) {
        case ("_&&_", 2), ("_||_", 2):
            let left = try compile(arguments[0])
            let right = try compile(arguments[1])
            let absorbing = function == "_||_"
            return { frame in
                let l = left(frame)
                if case .bool(let value) = l, value == absorbing { return l }
                let r = right(frame)
                if case .bool(let value) = r, value == absorbing { return r }
                if case .bool = l, case .bool = r { return .bool(!absorbing) }
                if case .error = l { return l }
                if case .error = r { return r }
                return .error(.noMatchingOverload(function))
            }
        case ("_?_:_", 3):
            let condition = try compile(arguments[0])
            let whenTrue = try compile(arguments[1])
            let whenFalse = try compile(arguments[2])
            return { frame in
                switch condition(frame) {
                case .bool(true): return whenTrue(frame)
                case .bool(false): return whenFalse(frame)
                case .error(let error): return .error(error)
                default: return .error(.noMatchingOverload("_?_:_"))
                }
            }
        case ("!_", 1):
            let operand = try compile(arguments[0])
            return { frame in
                switch operand(frame) {
                case .bool(let value): return .bool(!value)
                case .error(let error): return .error(error)
                default: return .error(.noMatchingOverload("!_"))
                }
            }
        case ("@mapInsert", 2), ("@mapInsert", 3):
            let compiled = try arguments.map { (argument) throws(CELCompileError) in
                CELNode(eval: try compile(argument))
            }
            return { frame in
                var values: [CELValue] = []
                for argument in compiled {
                    let value = argument.eval(frame)
                    if case .error = value { return value }
                    values.append(value)
                }
                return CELOperators.mapInsert(values)
            }
        case ("@not_strictly_false", 1):
            let operand = try compile(arguments[0])
            return { frame in
                if case .bool(false) = operand(frame) { return .bool(false) }
                return .bool(true)
            }
        default:
            return nil
        }
    }
}

/// Runtime overload selection by the kinds of the argument values.
enum CELDispatch {
    struct UnaryCandidate {
        let kind: CELKind
        let code: @Sendable (CELValue) -> CELValue
    }

    struct BinaryCandidate {
        let first: CELKind
        let second: CELKind
        let code: @Sendable (CELValue, CELValue) -> CELValue
    }

    static func make(_ function: String, bodies: [([CELKind], CELFunctionBody)], arguments: [CELNode]) -> CELEval {
        // One candidate of fixed arity: check kinds and call it without building an array.
        if bodies.count == 1 {
            let (kinds, body) = bodies[0]
            switch (body, arguments.count) {
            case (.unary(let code), 1):
                let argument = arguments[0].eval
                let kind = kinds[0]
                return { frame in
                    let value = argument(frame)
                    if case .error = value { return value }
                    guard kind.matches(value) else { return .error(.noMatchingOverload(function)) }
                    return code(value)
                }
            case (.binary(let code), 2):
                let first = arguments[0].eval
                let second = arguments[1].eval
                let kind1 = kinds[0]
                let kind2 = kinds[1]
                return { frame in
                    let a = first(frame)
                    if case .error = a { return a }
                    let b = second(frame)
                    if case .error = b { return b }
                    guard kind1.matches(a), kind2.matches(b) else { return .error(.noMatchingOverload(function)) }
                    return code(a, b)
                }
            default: break
            }
        }
        // Several candidates of one or two arguments (`size` of a string, bytes, list or map): pick by kinds
        // without building an argument array.
        let unary = bodies.compactMap { kinds, body in
            if case .unary(let code) = body, kinds.count == 1 {
                UnaryCandidate(kind: kinds[0], code: code)
            } else {
                nil
            }
        }
        if arguments.count == 1, !bodies.isEmpty, unary.count == bodies.count {
            let argument = arguments[0].eval
            return { frame in
                let value = argument(frame)
                if case .error = value { return value }
                for candidate in unary where candidate.kind.matches(value) { return candidate.code(value) }
                return .error(.noMatchingOverload(function))
            }
        }
        let binary = bodies.compactMap { kinds, body in
            if case .binary(let code) = body, kinds.count == 2 {
                BinaryCandidate(first: kinds[0], second: kinds[1], code: code)
            } else {
                nil
            }
        }
        if arguments.count == 2, !bodies.isEmpty, binary.count == bodies.count {
            let first = arguments[0].eval
            let second = arguments[1].eval
            return { frame in
                let a = first(frame)
                if case .error = a { return a }
                let b = second(frame)
                if case .error = b { return b }
                for candidate in binary where candidate.first.matches(a) && candidate.second.matches(b) {
                    return candidate.code(a, b)
                }
                return .error(.noMatchingOverload(function))
            }
        }
        return { frame in
            var values: [CELValue] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments {
                let value = argument.eval(frame)
                if case .error = value { return value }
                values.append(value)
            }
            for (kinds, body) in bodies where zip(kinds, values).allSatisfy({ $0.matches($1) }) {
                switch body {
                case .unary(let code): return code(values[0])
                case .binary(let code): return code(values[0], values[1])
                case .ternary(let code): return code(values[0], values[1], values[2])
                case .variadic(let code): return code(values)
                }
            }
            return .error(.noMatchingOverload(function))
        }
    }
}
