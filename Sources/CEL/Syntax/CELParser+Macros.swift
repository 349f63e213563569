extension CELParser {
    /// The accumulator variable of macros (cel-go's name; not a valid identifier in source).
    static let accumulator = "@result"

    mutating func globalCall(_ name: String, arguments: [CELExpr], at: Int) throws(CELCompileError) -> CELExpr {
        if name == "has", arguments.count == 1 {
            guard case .select(let operand, let field, false, false) = arguments[0].kind else {
                throw error("invalid argument to has() macro", at: at)
            }
            return CELExpr(offset: at, kind: .select(operand: operand, field: field, testOnly: true, optional: false))
        }
        return call(name, arguments, at: at)
    }

    mutating func receiverCall(
        _ name: String, target: CELExpr, arguments: [CELExpr], at: Int
    ) throws(CELCompileError) -> CELExpr {
        if case .ident("cel") = target.kind, name == "bind", arguments.count == 3 {
            guard case .ident(let variable) = arguments[0].kind else {
                throw error("cel.bind() variable name must be a simple identifier", at: arguments[0].offset)
            }
            let empty = CELExpr(offset: at, kind: .list(elements: [], optionalIndices: []))
            return CELExpr(
                offset: at,
                kind: .comprehension(
                    CELExpr.Comprehension(
                        iterationVariable: "#unused", iterationVariable2: nil, range: empty, accumulator: variable,
                        initial: arguments[1], condition: literal(.bool(false), at),
                        step: CELExpr(offset: at, kind: .ident(variable)), result: arguments[2])))
        }
        if case .ident("cel") = target.kind, let expanded = try blockMacro(name, arguments: arguments, at: at) {
            return expanded
        }
        if name == "sortBy", arguments.count == 2 {
            return try sortBy(target: target, arguments: arguments, at: at)
        }
        if name == "optMap" || name == "optFlatMap", arguments.count == 2 {
            return try optionalMap(flat: name == "optFlatMap", target: target, arguments: arguments, at: at)
        }
        switch (name, arguments.count) {
        case ("all", 3), ("exists", 3), ("existsOne", 3), ("exists_one", 3), ("transformList", 3),
            ("transformList", 4), ("transformMap", 3), ("transformMap", 4), ("transformMapEntry", 3),
            ("transformMapEntry", 4):
            guard case .ident(let first) = arguments[0].kind, case .ident(let second) = arguments[1].kind else {
                throw error("argument must be a simple name", at: arguments[0].offset)
            }
            guard first != second else {
                throw error("duplicate variable name: \(first)", at: arguments[1].offset)
            }
            return try twoVariableComprehension(
                name, variables: (first, second), range: target, arguments: Array(arguments.dropFirst(2)), at: at)
        case ("all", 2), ("exists", 2), ("exists_one", 2), ("map", 2), ("map", 3), ("filter", 2):
            guard case .ident(let variable) = arguments[0].kind else {
                throw error("argument must be a simple name", at: arguments[0].offset)
            }
            return try comprehension(
                name, variable: variable, range: target, arguments: Array(arguments.dropFirst()), at: at)
        default:
            return call(name, arguments, at: at, target: target)
        }
    }

    private func literal(_ value: CELValue, _ at: Int) -> CELExpr { CELExpr(offset: at, kind: .literal(value)) }

    /// cel-go's `opt.optMap(x, e)`: `opt.hasValue() ? optional.of(cel.bind(x, opt.value(), e)) : optional.none()`;
    /// `optFlatMap` leaves out the `optional.of`.
    private mutating func optionalMap(
        flat: Bool, target: CELExpr, arguments: [CELExpr], at: Int
    ) throws(CELCompileError) -> CELExpr {
        guard case .ident(let variable) = arguments[0].kind else {
            throw error("optMap() variable name must be a simple identifier", at: arguments[0].offset)
        }
        let empty = CELExpr(offset: at, kind: .list(elements: [], optionalIndices: []))
        let bound = CELExpr(
            offset: at,
            kind: .comprehension(
                CELExpr.Comprehension(
                    iterationVariable: "#unused", iterationVariable2: nil, range: empty, accumulator: variable,
                    initial: call("value", [], at: at, target: target), condition: literal(.bool(false), at),
                    step: CELExpr(offset: at, kind: .ident(variable)), result: arguments[1])))
        let some = flat ? bound : call("optional.of", [bound], at: at)
        return call(
            "_?_:_", [call("hasValue", [], at: at, target: target), some, call("optional.none", [], at: at)], at: at)
    }

    /// cel-go's `cel.block([b0, b1, ...], result)` (the common-subexpression form its optimizer writes):
    /// `cel.index(i)` names binding `i`, `cel.iterVar(i, j)` and `cel.accuVar(i, j)` name comprehension
    /// variables. Expanded as nested `cel.bind`s, so each binding sees the ones before it; bindings are
    /// evaluated in order when the block is (cel-go evaluates them lazily: an unused failing binding is an
    /// error here).
    private mutating func blockMacro(_ name: String, arguments: [CELExpr], at: Int) throws(CELCompileError) -> CELExpr?
    {
        func index(_ expr: CELExpr) -> Int64? {
            if case .literal(.int(let value)) = expr.kind { return value }
            return nil
        }
        switch (name, arguments.count) {
        case ("index", 1):
            guard let i = index(arguments[0]) else { throw error("cel.index requires a literal int", at: at) }
            return CELExpr(offset: at, kind: .ident("@index\(i)"))
        case ("iterVar", 2), ("accuVar", 2):
            guard let i = index(arguments[0]), let j = index(arguments[1]) else {
                throw error("cel.\(name) requires literal ints", at: at)
            }
            return CELExpr(offset: at, kind: .ident((name == "iterVar" ? "@it:" : "@ac:") + "\(i):\(j)"))
        case ("block", 2):
            guard case .list(let bindings, let optionalIndices) = arguments[0].kind, optionalIndices.isEmpty else {
                throw error("cel.block requires the bindings as a list literal", at: arguments[0].offset)
            }
            var result = arguments[1]
            let empty = CELExpr(offset: at, kind: .list(elements: [], optionalIndices: []))
            for (i, binding) in bindings.enumerated().reversed() {
                let variable = "@index\(i)"
                result = CELExpr(
                    offset: at,
                    kind: .comprehension(
                        CELExpr.Comprehension(
                            iterationVariable: "#unused", iterationVariable2: nil, range: empty, accumulator: variable,
                            initial: binding, condition: literal(.bool(false), at),
                            step: CELExpr(offset: at, kind: .ident(variable)), result: result)))
            }
            return result
        default:
            return nil
        }
    }

    /// ext.Lists' `list.sortBy(x, key)`: cel-go's expansion, `cel.bind(@__sortBy_input__, list,
    /// @__sortBy_input__.@sortByAssociatedKeys(@__sortBy_input__.map(x, key)))`.
    private mutating func sortBy(target: CELExpr, arguments: [CELExpr], at: Int) throws(CELCompileError) -> CELExpr {
        guard case .ident(let variable) = arguments[0].kind else {
            throw error("argument must be a simple name", at: arguments[0].offset)
        }
        switch target.kind {
        case .list, .select, .ident, .comprehension, .call: break
        default:
            throw error(
                "sortBy can only be applied to a list, identifier, comprehension, call or select expression",
                at: target.offset)
        }
        let input = "@__sortBy_input__"
        let inputIdent = CELExpr(offset: at, kind: .ident(input))
        let keys = try comprehension("map", variable: variable, range: inputIdent, arguments: [arguments[1]], at: at)
        let empty = CELExpr(offset: at, kind: .list(elements: [], optionalIndices: []))
        return CELExpr(
            offset: at,
            kind: .comprehension(
                CELExpr.Comprehension(
                    iterationVariable: "#unused", iterationVariable2: nil, range: empty, accumulator: input,
                    initial: target, condition: literal(.bool(false), at), step: inputIdent,
                    result: call("@sortByAssociatedKeys", [keys], at: at, target: inputIdent))))
    }

    private mutating func comprehension(
        _ macro: String, variable: String, range: CELExpr, arguments: [CELExpr], at: Int
    ) throws(CELCompileError) -> CELExpr {
        let accumulator = Self.accumulator
        let accu = CELExpr(offset: at, kind: .ident(accumulator))
        let element = CELExpr(offset: at, kind: .ident(variable))
        let initial: CELExpr
        var condition = literal(.bool(true), at)
        let step: CELExpr
        var result = accu
        switch macro {
        case "all":
            initial = literal(.bool(true), at)
            condition = call("@not_strictly_false", [accu], at: at)
            step = call("_&&_", [accu, arguments[0]], at: at)
        case "exists":
            initial = literal(.bool(false), at)
            condition = call("@not_strictly_false", [call("!_", [accu], at: at)], at: at)
            step = call("_||_", [accu, arguments[0]], at: at)
        case "exists_one":
            initial = literal(.int(0), at)
            step = call("_?_:_", [arguments[0], call("_+_", [accu, literal(.int(1), at)], at: at), accu], at: at)
            result = call("_==_", [accu, literal(.int(1), at)], at: at)
        case "map":
            initial = CELExpr(offset: at, kind: .list(elements: [], optionalIndices: []))
            let transform = arguments[arguments.count - 1]
            let append = call(
                "_+_", [accu, CELExpr(offset: at, kind: .list(elements: [transform], optionalIndices: []))], at: at)
            step = arguments.count == 1 ? append : call("_?_:_", [arguments[0], append, accu], at: at)
        default:  // filter
            initial = CELExpr(offset: at, kind: .list(elements: [], optionalIndices: []))
            let append = call(
                "_+_", [accu, CELExpr(offset: at, kind: .list(elements: [element], optionalIndices: []))], at: at)
            step = call("_?_:_", [arguments[0], append, accu], at: at)
        }
        macroCount += 1
        return CELExpr(
            offset: at,
            kind: .comprehension(
                CELExpr.Comprehension(
                    iterationVariable: variable, iterationVariable2: nil, range: range, accumulator: accumulator,
                    initial: initial, condition: condition, step: step, result: result)))
    }

    /// The two-variable macros (cel-go's `TwoVarComprehensions`): index/key first, value second.
    private mutating func twoVariableComprehension(
        _ macro: String, variables: (String, String), range: CELExpr, arguments: [CELExpr], at: Int
    ) throws(CELCompileError) -> CELExpr {
        let accumulator = Self.accumulator
        let accu = CELExpr(offset: at, kind: .ident(accumulator))
        let first = CELExpr(offset: at, kind: .ident(variables.0))
        let transform = arguments[arguments.count - 1]
        let filter: CELExpr? = arguments.count == 2 ? arguments[0] : nil
        var initial: CELExpr
        var condition = literal(.bool(true), at)
        var step: CELExpr
        var result = accu
        switch macro {
        case "all":
            initial = literal(.bool(true), at)
            condition = call("@not_strictly_false", [accu], at: at)
            step = call("_&&_", [accu, transform], at: at)
        case "exists":
            initial = literal(.bool(false), at)
            condition = call("@not_strictly_false", [call("!_", [accu], at: at)], at: at)
            step = call("_||_", [accu, transform], at: at)
        case "existsOne", "exists_one":
            initial = literal(.int(0), at)
            step = call("_?_:_", [transform, call("_+_", [accu, literal(.int(1), at)], at: at), accu], at: at)
            result = call("_==_", [accu, literal(.int(1), at)], at: at)
        case "transformList":
            initial = CELExpr(offset: at, kind: .list(elements: [], optionalIndices: []))
            step = call(
                "_+_", [accu, CELExpr(offset: at, kind: .list(elements: [transform], optionalIndices: []))], at: at)
        case "transformMap":
            initial = CELExpr(offset: at, kind: .map(entries: []))
            step = call("@mapInsert", [accu, first, transform], at: at)
        default:  // transformMapEntry
            initial = CELExpr(offset: at, kind: .map(entries: []))
            step = call("@mapInsert", [accu, transform], at: at)
        }
        if let filter, macro.hasPrefix("transform") {
            step = call("_?_:_", [filter, step, accu], at: at)
        }
        return CELExpr(
            offset: at,
            kind: .comprehension(
                CELExpr.Comprehension(
                    iterationVariable: variables.0, iterationVariable2: variables.1, range: range,
                    accumulator: accumulator, initial: initial, condition: condition, step: step, result: result)))
    }
}
