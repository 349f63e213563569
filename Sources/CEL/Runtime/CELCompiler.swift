import OrderedCollections

/// Compiles a ``CELExpr`` into a tree of closures: identifiers resolve to frame slots, calls to their
/// overload sets, literals are constants; nothing is looked up by name at evaluation time.
struct CELCompiler {
    let environment: CELEnvironment
    let source: String
    /// Comprehension variables in scope, innermost last, with their slots (in ``CELFrame/slots``) and static
    /// types.
    var scopes: [(name: String, slot: Int, type: CELStaticType?)] = []
    /// How many comprehension slots the program needs (declared variables are read where the caller has them).
    var slotCount = 0
    /// How many enclosing calls exempt their literals from the homogeneity check (cel-go exempts
    /// everything under a call to `format`, whose argument list mixes types by design).
    var homogeneityExemptions = 0

    init(environment: CELEnvironment, source: String) {
        self.environment = environment
        self.source = source
    }

    func error(_ message: String, at offset: Int) -> CELCompileError {
        CELCompileError(message: message, offset: offset, in: source)
    }

    mutating func compile(_ expr: CELExpr) throws(CELCompileError) -> CELEval {
        switch expr.kind {
        case .literal(let value):
            return { _ in value }
        case .ident(let name):
            return try identifier(name, at: expr.offset)
        case .select(let operand, let field, let testOnly, _):
            if !testOnly, let named = qualifiedReference(expr) { return named }
            try checkSelect(expr)
            if testOnly {
                // `has(x.f)` costs what `x.f` would, less the presence test's 1.
                let target = try compile(operand)
                let extra = relativeCost(operand)
                return { frame in
                    frame.charge(extra)
                    return CELOperators.has(target(frame), field)
                }
            }
            // `a.b.c.d`: one node walks the fields, wrapping only the last value found.
            var fields = [field]
            var base = operand
            while case .select(let inner, let name, false, false) = base.kind, qualifiedReference(base) == nil {
                fields.append(name)
                base = inner
            }
            let path = Array(fields.reversed())
            // A variable's fields (`object.spec`, `c.name`): one node reads the variable and walks the fields,
            // charging the variable's 1 and 1 per field at once.
            if case .ident(let name) = base.kind {
                if let slot = resolveLocal(name) {
                    return { frame in Self.select(frame[slot], path, 1, frame) }
                }
                if let index = environment.variables.firstIndex(of: name) {
                    return { frame in Self.select(frame.variables[index], path, 1, frame) }
                }
            }
            let target = try compile(base)
            // One per field, one more from a value that is not an attribute; an optional finds fewer.
            let extra = relativeCost(base)
            if fields.count == 1 {
                return { frame in
                    let value = target(frame)
                    if case .optional = value { return CELOperators.select(value, path, charging: frame, extra) }
                    frame.charge(extra + 1)
                    return CELOperators.select(value, field)
                }
            }
            return { frame in Self.select(target(frame), path, extra, frame) }
        case .call(let function, let target, let arguments):
            return try call(function, target: target, arguments: arguments, at: expr.offset)
        case .list(let elements, let optionalIndices):
            if environment.homogeneousAggregateLiterals, homogeneityExemptions == 0 {
                try checkHomogeneous(
                    elements.enumerated().filter { !optionalIndices.contains($0.offset) }.map(\.element))
            }
            if optionalIndices.isEmpty {
                // A list of literals (`x in ['a', 'b']`) is built once, at compile time.
                let literals = elements.compactMap { if case .literal(let value) = $0.kind { value } else { nil } }
                if literals.count == elements.count {
                    let constant = CELValue.list(CELList(literals))
                    return { _ in constant }
                }
            }
            let compiled = try elements.map { (element) throws(CELCompileError) in CELNode(eval: try compile(element)) }
            let creation = isConstant(expr) ? 0 : CELCost.listCreation
            if optionalIndices.isEmpty {
                return { frame in
                    frame.charge(creation)
                    var values: [CELValue] = []
                    values.reserveCapacity(compiled.count)
                    for element in compiled {
                        let value = element.eval(frame)
                        if case .error = value { return value }
                        values.append(value)
                    }
                    return .list(CELList(values))
                }
            }
            let optional = Set(optionalIndices)
            return { frame in
                frame.charge(creation)
                var values: [CELValue] = []
                for (index, element) in compiled.enumerated() {
                    let value = element.eval(frame)
                    if case .error = value { return value }
                    if optional.contains(index) {
                        guard case .optional(let wrapped) = value else {
                            return .error(CELError("no such overload: optional element is not an optional"))
                        }
                        if let wrapped { values.append(wrapped) }
                    } else {
                        values.append(value)
                    }
                }
                return .list(CELList(values))
            }
        case .map(let entries):
            if environment.homogeneousAggregateLiterals, homogeneityExemptions == 0 {
                let required = entries.filter { !$0.optional }
                try checkHomogeneous(required.map(\.key))
                try checkHomogeneous(required.map(\.value))
            }
            let compiled = try entries.map { (entry) throws(CELCompileError) in
                MapEntry(key: try compile(entry.key), value: try compile(entry.value), optional: entry.optional)
            }
            let creation = isConstant(expr) ? 0 : CELCost.mapCreation
            return { frame in
                frame.charge(creation)
                var result = OrderedDictionary<CELMapKey, CELValue>()
                for entry in compiled {
                    let optional = entry.optional
                    let key = entry.key(frame)
                    if case .error = key { return key }
                    var value = entry.value(frame)
                    if case .error = value { return value }
                    guard let mapKey = CELMapKey(key) else {
                        return .error(CELError("unsupported key type: \(key.celType.name)"))
                    }
                    if optional {
                        guard case .optional(let wrapped) = value else {
                            return .error(CELError("no such overload: optional entry is not an optional"))
                        }
                        guard let wrapped else { continue }
                        value = wrapped
                    }
                    if result[mapKey] != nil || CELMap(result).lookup(key) != nil {
                        return .error(CELError("Failed with repeated key"))
                    }
                    result[mapKey] = value
                }
                return .map(CELMap(result))
            }
        case .comprehension(let comprehension):
            return try compile(comprehension)
        }
    }

    /// A dotted name that denotes a declared variable (`a.b` declared as one name), a library constant or a
    /// type, nil for a plain selection.
    func qualifiedReference(_ expr: CELExpr) -> CELEval? {
        guard let name = expr.qualifiedName, case .select = expr.kind else { return nil }
        let root = String(name.prefix { $0 != "." })
        guard resolveLocal(root) == nil else { return nil }
        if let index = environment.variables.firstIndex(of: name) {
            return { frame in
                frame.charge(1)
                return frame.variables[index]
            }
        }
        guard !environment.variables.contains(root) else { return nil }
        if let constant = environment.functions.constants[name] {
            return { frame in
                frame.charge(1)
                return constant
            }
        }
        if let type = namedType(name) {
            return { _ in .type(type) }
        }
        return nil
    }

    /// A compiled map literal entry (a struct, so its closures keep their own calling convention).
    struct MapEntry {
        let key: CELEval
        let value: CELEval
        let optional: Bool
    }

    /// A built-in type name or one a library declared.
    func namedType(_ name: String) -> CELType? {
        CELType.named(name) ?? (environment.functions.typeNames.contains(name) ? .opaque(name) : nil)
    }

    func resolveLocal(_ name: String) -> Int? {
        scopes.last(where: { $0.name == name })?.slot
    }

    mutating func identifier(_ name: String, at offset: Int) throws(CELCompileError) -> CELEval {
        if let slot = resolveLocal(name) {
            return { frame in
                frame.charge(1)
                return frame[slot]
            }
        }
        if let index = environment.variables.firstIndex(of: name) {
            return { frame in
                frame.charge(1)
                return frame.variables[index]
            }
        }
        if let constant = environment.functions.constants[name] {
            return { frame in
                frame.charge(1)
                return constant
            }
        }
        if name != "dyn", let type = namedType(name) {  // `dyn` is a function, not a type value
            return { _ in .type(type) }
        }
        if environment.defersUndeclaredReferences {
            let failure = CELValue.error(CELError("no such attribute: \(name)"))
            return { _ in failure }
        }
        throw error("undeclared reference to '\(name)' (in container '')", at: offset)
    }

    mutating func compile(_ loop: CELExpr.Comprehension) throws(CELCompileError) -> CELEval {
        let range = try compile(loop.range)
        let initial = try compile(loop.initial)
        let accuSlot = slotCount
        let iterSlot = slotCount + 1
        let iterSlot2 = slotCount + 2
        slotCount += 3
        let iteration = iterationScopes(loop)
        scopes.append((loop.accumulator, accuSlot, staticType(loop.initial)))
        let result = try compile(loop.result)
        scopes.append((loop.iterationVariable, iterSlot, iteration[0].type))
        if let second = loop.iterationVariable2 { scopes.append((second, iterSlot2, iteration[1].type)) }
        let condition = try compile(loop.condition)
        let step = try compileStep(loop.step, accumulatorSlot: accuSlot)
        scopes.removeLast(loop.iterationVariable2 == nil ? 2 : 3)
        let twoVariables = loop.iterationVariable2 != nil
        let limit = environment.costLimit
        return { frame in
            let rangeValue = range(frame)
            frame[accuSlot] = initial(frame)
            var exhausted = false
            // One iteration: false to stop (the condition no longer holds, or the cost limit is exceeded).
            func iterate(_ first: CELValue, _ second: CELValue?) -> Bool {
                guard frame.cost.pointee <= limit else {
                    exhausted = true
                    return false
                }
                frame[iterSlot] = first
                if let second { frame[iterSlot2] = second }
                guard case .bool(true) = condition(frame) else { return false }
                frame[accuSlot] = step(frame)
                return true
            }
            switch rangeValue {
            case .list(let list):
                for index in 0..<list.count {
                    let element = list[index]
                    let going = twoVariables ? iterate(.int(Int64(index)), element) : iterate(element, nil)
                    if !going { break }
                }
            case .map(let map):
                if twoVariables {
                    for (key, value) in map.entries where !iterate(key.value, value) { break }
                } else {
                    map.forEachKey { key in iterate(key, nil) }
                }
            case .error:
                return rangeValue
            default:
                return .error(
                    CELError("expression of type '\(rangeValue.celType.name)' cannot be range of a comprehension"))
            }
            if exhausted { return .error(.costLimitExceeded) }
            return result(frame)
        }
    }

    /// The step of `map`/`filter` appends to the accumulator in place instead of copying it each time.
    mutating func compileStep(_ step: CELExpr, accumulatorSlot: Int) throws(CELCompileError) -> CELEval {
        if case .call("_+_", nil, let arguments) = step.kind, case .ident(CELParser.accumulator) = arguments[0].kind,
            case .list = arguments[1].kind
        {
            let element = try compile(arguments[1])
            return { frame in
                frame.charge(2)  // the accumulator and the `+`; the list literal charges itself
                let addition = element(frame)
                guard case .list(let tail) = addition else { return addition }
                guard case .list = frame[accumulatorSlot] else {
                    return CELOperators.add(frame[accumulatorSlot], addition)
                }
                guard case .list(var list) = frame.take(accumulatorSlot) else { return .null }
                list.append(contentsOf: tail)
                return .list(list)
            }
        }
        if case .call("_?_:_", nil, let arguments) = step.kind {
            return Self.conditional(
                try compile(arguments[0]), try compileStep(arguments[1], accumulatorSlot: accumulatorSlot),
                try compileStep(arguments[2], accumulatorSlot: accumulatorSlot),
                discounts: (branchDiscount(arguments[1]), branchDiscount(arguments[2])))
        }
        return try compile(step)
    }

    /// `value.f1.f2...`, charging `extra` and 1 per field (per field found, from an optional).
    @inline(__always) static func select(_ value: CELValue, _ path: [String], _ extra: Int, _ frame: CELFrame)
        -> CELValue
    {
        if case .optional = value { return CELOperators.select(value, path, charging: frame, extra) }
        frame.charge(extra + path.count)
        return CELOperators.select(value, path)
    }

    /// `condition ? whenTrue : whenFalse`, charging a taken branch's discount (see ``branchDiscount(_:)``).
    static func conditional(
        _ condition: @escaping CELEval, _ whenTrue: @escaping CELEval, _ whenFalse: @escaping CELEval,
        discounts: (Int, Int)
    ) -> CELEval {
        let (trueDiscount, falseDiscount) = discounts
        return { frame in
            switch condition(frame) {
            case .bool(true):
                frame.charge(trueDiscount)
                return whenTrue(frame)
            case .bool(false):
                frame.charge(falseDiscount)
                return whenFalse(frame)
            case .error(let error): return .error(error)
            default: return .error(.noMatchingOverload("_?_:_"))
            }
        }
    }
}
