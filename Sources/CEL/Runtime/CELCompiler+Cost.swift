/// What the compiler needs to know to charge nodes as cel-go's planner observes them (see ``CELCost``).
extension CELCompiler {
    /// The standard conversion functions, which `OptOptimize` evaluates once when their argument is constant.
    static let conversions: Set<String> = [
        "bool", "bytes", "double", "duration", "dyn", "int", "string", "timestamp", "type", "uint",
    ]

    /// Whether cel-go plans the expression as an attribute: a variable, a selection or index chain (plain or
    /// optional), or a conditional. An attribute is qualified in place; anything else is wrapped in a
    /// "relative" attribute, which costs 1 more when selected from.
    func isAttribute(_ expr: CELExpr) -> Bool {
        switch expr.kind {
        case .ident:
            return !isConstant(expr)
        case .select(_, _, let testOnly, _):
            return !testOnly && !isConstant(expr)
        case .call("_[_]", nil, let arguments), .call("_[?_]", nil, let arguments), .call("_?._", nil, let arguments):
            return arguments.count == 2
        case .call("_?_:_", nil, let arguments):
            return arguments.count == 3
        default:
            return false
        }
    }

    /// The extra cost of selecting from `expr`: 0 from an attribute, 1 from anything else.
    func relativeCost(_ expr: CELExpr) -> Int {
        isAttribute(expr) ? 0 : 1
    }

    /// What a branch of `?:` costs less than the same expression elsewhere: cel-go evaluates an attribute
    /// branch through the conditional without observing the attribute itself (a conditional has no cost of
    /// its own either).
    func branchDiscount(_ expr: CELExpr) -> Int {
        if case .call("_?_:_", nil, _) = expr.kind { return 0 }
        return isAttribute(expr) ? -1 : 0
    }

    /// Whether cel-go's planner with `OptOptimize` makes the expression a constant (free to evaluate):
    /// literals, type names, list and map literals of constants, conversions of constants, and membership in
    /// an empty constant list.
    func isConstant(_ expr: CELExpr) -> Bool {
        switch expr.kind {
        case .literal:
            return true
        case .ident(let name):
            return name != "dyn" && resolveLocal(name) == nil && !environment.variables.contains(name)
                && environment.functions.constants[name] == nil && namedType(name) != nil
        case .select(_, _, false, false):
            // A dotted type name (`google.protobuf.Timestamp`), unless a variable or its root shadows it.
            guard let name = expr.qualifiedName, resolveLocal(String(name.prefix { $0 != "." })) == nil,
                !environment.variables.contains(name), environment.functions.constants[name] == nil
            else { return false }
            return namedType(name) != nil
        case .list(let elements, _):
            return elements.allSatisfy(isConstant)
        case .map(let entries):
            return entries.allSatisfy { isConstant($0.key) && isConstant($0.value) }
        case .call(let function, nil, let arguments) where arguments.count == 1:
            return Self.conversions.contains(function) && isConstant(arguments[0])
        case .call("@in", nil, let arguments) where arguments.count == 2:
            return isEmptyConstantList(arguments[1])
        default:
            return false
        }
    }

    func isEmptyConstantList(_ expr: CELExpr) -> Bool {
        if case .list(let elements, _) = expr.kind { return elements.isEmpty }
        return false
    }

    /// `x in [constants]` becomes a set lookup (free) when every constant is a bool, number or string.
    func isConstantSet(_ expr: CELExpr) -> Bool {
        guard case .list(let elements, _) = expr.kind, !elements.isEmpty else { return false }
        return elements.allSatisfy { element in
            switch element.kind {
            case .literal(.bool), .literal(.int), .literal(.uint), .literal(.double), .literal(.string): true
            default: false
            }
        }
    }
}
