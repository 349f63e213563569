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
        if target == nil, CELCompiler.operatorOverloads(function) != nil || Self.checkedOperators.contains(function) {
            try checkOperator(function, arguments, at: offset)
        }
        if target == nil, let special = try logical(function, arguments) { return special }
        if target == nil, let binary = CELOperators.binary(function), arguments.count == 2 {
            return try binaryOperator(function, binary, arguments)
        }
        if target == nil, function == "-_", arguments.count == 1 {
            let operand = try compile(arguments[0])
            return { frame in
                frame.charge(1)
                return CELOperators.negate(operand(frame))
            }
        }
        var all = arguments
        if let target { all.insert(target, at: 0) }
        let candidates = environment.functions.candidates(function, receiver: target != nil, arity: all.count)
        if let target, let fused = try optionalChain(function, target: target, arguments: arguments, candidates) {
            return fused
        }
        if let target, let alternative = try optionalAlternative(function, target: target, arguments, candidates) {
            return alternative
        }
        guard !candidates.isEmpty else {
            if environment.defersUndeclaredReferences {
                let compiled = try all.map { (argument) throws(CELCompileError) in CELNode(eval: try compile(argument))
                }
                return CELDispatch.make(function, bodies: [], arguments: compiled, cost: .fixed(1))
            }
            if environment.functions.contains(function) {
                throw noMatchingOverload(function, all.map(staticType), receiver: target != nil, at: offset)
            }
            throw error("undeclared reference to '\(function)' (in container '')", at: offset)
        }
        try checkCall(function, receiver: target != nil, all, candidates, at: offset)
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
        // A conversion of a constant is evaluated once by cel-go (`OptOptimize`): free.
        let cost: CELCost.Call =
            target == nil && all.count == 1 && Self.conversions.contains(function) && isConstant(all[0])
            ? .fixed(0) : CELCost.call(function, receiver: target != nil, arguments: all.map(staticType))
        return CELDispatch.make(function, bodies: bodies, arguments: compiled, cost: cost)
    }

    /// The strict binary operators, charged as cel-go charges them (see ``CELCost/binaryOperator(_:_:_:)``);
    /// indexes and optional selections as qualifiers of an attribute.
    mutating func binaryOperator(
        _ function: String, _ binary: @escaping CELOperators.Binary, _ arguments: [CELExpr]
    ) throws(CELCompileError) -> CELEval {
        if function == "@in", isEmptyConstantList(arguments[1]) { return { _ in .bool(false) } }
        let left = try compile(arguments[0])
        let right = try compile(arguments[1])
        switch function {
        case "_[_]", "_[?_]", "_?._":
            // 1 for what the qualifier finds (a key that is itself an attribute only costs what it costs), 1
            // more when the operand is not an attribute.
            let extra = relativeCost(arguments[0])
            let qualifier = isAttribute(arguments[1]) ? 0 : 1
            return { frame in
                let (l, r) = CELDispatch.operands(frame, left, right)
                if case .error = r { return r }
                frame.charge(extra)
                let result = binary(l, r)
                if case .optional(nil) = result { return result }
                frame.charge(qualifier)
                return result
            }
        default:
            break
        }
        let cost =
            function == "@in" && isConstantSet(arguments[1])
            ? .fixed(0) : CELCost.binaryOperator(function, staticType(arguments[0]), staticType(arguments[1]))
        switch cost {
        case .fixed(let amount):
            return { frame in
                frame.charge(amount)
                let (l, r) = CELDispatch.operands(frame, left, right)
                if case .error = r { return r }
                return binary(l, r)
            }
        case .computed(let amount):
            return { frame in
                let (l, r) = CELDispatch.operands(frame, left, right)
                if case .error = r { return r }
                frame.charge(amount(l, r))
                return binary(l, r)
            }
        }
    }

    /// `x.orValue(y)` and `x.or(y)` of the standard library: free, and `y` is evaluated only when `x` is an
    /// empty optional (as cel-go does).
    mutating func optionalAlternative(
        _ function: String, target: CELExpr, _ arguments: [CELExpr], _ candidates: [CELOverload]
    ) throws(CELCompileError) -> CELEval? {
        guard function == "orValue" || function == "or", arguments.count == 1, candidates.count == 1,
            candidates[0].argumentKinds == [.any, .any]
        else { return nil }
        let receiver = try compile(target)
        let fallback = try compile(arguments[0])
        let unwraps = function == "orValue"
        return { frame in
            let value = receiver(frame)
            guard case .optional(let wrapped) = value else { return value }
            if let wrapped { return unwraps ? wrapped : value }
            return fallback(frame)
        }
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
            return Self.conditional(
                try compile(arguments[0]), try compile(arguments[1]), try compile(arguments[2]),
                discounts: (branchDiscount(arguments[1]), branchDiscount(arguments[2])))
        case ("!_", 1):
            let operand = try compile(arguments[0])
            return { frame in
                frame.charge(1)
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
                frame.charge(1)
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
                frame.charge(1)
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
    /// Evaluates two operands in order; when the first is an error the second is not evaluated and both are
    /// that error (so one check of the second finds any error).
    @inline(__always) static func operands(
        _ frame: CELFrame, _ left: CELEval, _ right: CELEval
    ) -> (CELValue, CELValue) {
        let l = left(frame)
        if case .error = l { return (l, l) }
        return (l, right(frame))
    }

    struct UnaryCandidate {
        let kind: CELKind
        let code: @Sendable (CELValue) -> CELValue
    }

    struct BinaryCandidate {
        let first: CELKind
        let second: CELKind
        let code: @Sendable (CELValue, CELValue) -> CELValue
    }

    /// The call node: evaluates the arguments, picks the overload by their kinds, and charges `cost`.
    static func make(
        _ function: String, bodies: [([CELKind], CELFunctionBody)], arguments: [CELNode], cost: CELCost.Call
    ) -> CELEval {
        guard case .fixed(let amount) = cost else { return general(function, bodies, arguments, cost) }
        // One candidate of fixed arity: check kinds and call it without building an array.
        if bodies.count == 1 {
            let (kinds, body) = bodies[0]
            switch (body, arguments.count) {
            case (.unary(let code), 1):
                let argument = arguments[0].eval
                let kind = kinds[0]
                return { frame in
                    frame.charge(amount)
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
                    frame.charge(amount)
                    let (a, b) = operands(frame, first, second)
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
                frame.charge(amount)
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
                frame.charge(amount)
                let (a, b) = operands(frame, first, second)
                if case .error = b { return b }
                for candidate in binary where candidate.first.matches(a) && candidate.second.matches(b) {
                    return candidate.code(a, b)
                }
                return .error(.noMatchingOverload(function))
            }
        }
        return general(function, bodies, arguments, cost)
    }

    /// Any number of candidates and arguments, in an argument array; the cost may depend on the values.
    static func general(
        _ function: String, _ bodies: [([CELKind], CELFunctionBody)], _ arguments: [CELNode], _ cost: CELCost.Call
    ) -> CELEval {
        { frame in
            var values: [CELValue] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments {
                let value = argument.eval(frame)
                if case .error = value { return value }
                values.append(value)
            }
            let result = apply(function, bodies, values)
            switch cost {
            case .fixed(let amount): frame.charge(amount)
            case .computed(let amount): frame.charge(amount(values, result))
            }
            return result
        }
    }

    static func apply(_ function: String, _ bodies: [([CELKind], CELFunctionBody)], _ values: [CELValue]) -> CELValue {
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
