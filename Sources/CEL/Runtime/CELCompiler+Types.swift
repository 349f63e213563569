/// The static type of an expression as far as the syntax and the declarations tell it (declared variables
/// are `dyn`, as Kubernetes declares `object`, `params`, ...). nil stands for a type this inference does not
/// follow; callers treat it as `dyn`.
indirect enum CELStaticType: Equatable, Sendable {
    case named(String)
    case dyn
    /// `nil` element type: an empty literal, compatible with any element type.
    case list(CELStaticType?)
    case map(CELStaticType?, CELStaticType?)

    static let string = CELStaticType.named("string")
    static let bytes = CELStaticType.named("bytes")
    static let bool = CELStaticType.named("bool")
    static let int = CELStaticType.named("int")

    var name: String {
        switch self {
        case .named(let name): name
        case .dyn: "dyn"
        case .list(let element): "list(\(element?.name ?? "T"))"
        case .map(let key, let value): "map(\(key?.name ?? "K"), \(value?.name ?? "V"))"
        }
    }

    var isList: Bool {
        if case .list = self { return true }
        return false
    }

    /// A list whose elements have one of the types ext.Lists sorts (so `sort` resolves to one overload).
    var comparableElements: Bool {
        guard case .list(.named(let name)?) = self else { return false }
        return [
            "int", "uint", "double", "bool", "string", "bytes", "google.protobuf.Duration",
            "google.protobuf.Timestamp",
        ].contains(name)
    }

    /// Whether a binary operator over these operand types resolves to its string or bytes overload: one side
    /// is a string (or bytes) and the other the same or `dyn`.
    static func textual(_ a: CELStaticType?, _ b: CELStaticType?) -> Bool {
        for text in [CELStaticType.string, .bytes] where (a == text || b == text) {
            if (a == text || a == .dyn || a == nil) && (b == text || b == .dyn || b == nil) { return true }
        }
        return false
    }

    /// The type a standard function or operator returns whatever its arguments, nil when it depends on them.
    static func result(of function: String) -> CELStaticType? {
        switch function {
        case "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "@in", "!_", "_&&_", "_||_", "@not_strictly_false",
            "startsWith", "endsWith", "matches", "contains", "isSorted", "isURL", "isIP", "isCIDR", "isQuantity",
            "isSemver", "hasValue", "sets.contains", "sets.equivalent", "sets.intersects", "bool":
            return .bool
        case "size", "int", "indexOf", "lastIndexOf", "compareTo", "sign":
            return .int
        case "string", "lowerAscii", "upperAscii", "replace", "substring", "trim", "charAt", "join", "format",
            "strings.quote", "base64.encode", "getHost", "getScheme", "getPath", "getEscapedPath", "getPort":
            return .string
        case "uint", "double", "bytes", "type": return .named(function)
        case "split", "findAll": return .list(.string)
        case "dyn": return .dyn
        case "timestamp": return .named("google.protobuf.Timestamp")
        case "duration": return .named("google.protobuf.Duration")
        default: return nil
        }
    }
}

extension CELCompiler {
    /// The static type of an expression when the syntax and declarations tell it, nil otherwise.
    func staticType(_ expr: CELExpr) -> CELStaticType? {
        switch expr.kind {
        case .literal(let value):
            switch value {
            case .null: return .named("null_type")
            case .bool, .int, .uint, .double, .string, .bytes: return .named(value.celType.name)
            default: return nil
            }
        case .ident(let name):
            if let local = scopes.last(where: { $0.name == name }) { return local.type }
            if environment.variables.contains(name) { return .dyn }
            return nil
        case .select(let operand, _, let testOnly, let optional):
            if testOnly { return .bool }
            if optional { return nil }
            switch staticType(operand) {
            case .dyn: return .dyn
            case .map(_, let value): return value
            default: return nil
            }
        case .call(let function, let target, let arguments):
            return callType(function, target: target, arguments: arguments)
        case .list(let elements, let optionalIndices):
            var element: CELStaticType?
            for (index, item) in elements.enumerated() where !optionalIndices.contains(index) {
                let type = staticType(item)
                guard Self.compatible(element, type) else { return .list(.dyn) }
                element = Self.merged(element, type)
            }
            return .list(element)
        case .map(let entries):
            var key: CELStaticType?
            var value: CELStaticType?
            for entry in entries where !entry.optional {
                let k = staticType(entry.key)
                let v = staticType(entry.value)
                guard Self.compatible(key, k), Self.compatible(value, v) else { return .map(.dyn, .dyn) }
                key = Self.merged(key, k)
                value = Self.merged(value, v)
            }
            return .map(key, value)
        case .comprehension(let loop):
            // The macros' results: `all`/`exists`/`exists_one` are bool, `map`/`filter` lists of their steps'
            // elements, `cel.bind` its result with the variable bound.
            var inner = self
            inner.scopes.append((loop.accumulator, -1, staticType(loop.initial)))
            if case .ident(loop.accumulator) = loop.result.kind, case .list(let elements, _) = loop.initial.kind,
                elements.isEmpty
            {
                inner.scopes.append(contentsOf: iterationScopes(loop))
                return .list(inner.appendedElement(loop.step) ?? .dyn)
            }
            return inner.staticType(loop.result)
        }
    }

    /// The comprehension variables of a loop with their types (an element of a list, a key of a map; a
    /// two-variable loop binds the index or key first).
    func iterationScopes(_ loop: CELExpr.Comprehension) -> [(name: String, slot: Int, type: CELStaticType?)] {
        let range = staticType(loop.range)
        var first: CELStaticType? = .dyn
        var second: CELStaticType? = .dyn
        switch range {
        case .list(let element):
            first = loop.iterationVariable2 == nil ? (element ?? .dyn) : .int
            second = element ?? .dyn
        case .map(let key, let value):
            first = key ?? .dyn
            second = value ?? .dyn
        default: break
        }
        var result = [(name: loop.iterationVariable, slot: -1, type: first)]
        if let variable = loop.iterationVariable2 { result.append((variable, -1, second)) }
        return result
    }

    /// The element type `map` and `filter` steps append (`@result + [e]`, possibly under a condition).
    func appendedElement(_ step: CELExpr) -> CELStaticType? {
        guard case .call(let function, nil, let arguments) = step.kind else { return nil }
        if function == "_?_:_", arguments.count == 3 {
            return appendedElement(arguments[1]) ?? appendedElement(arguments[2])
        }
        guard function == "_+_", arguments.count == 2, case .list(let elements, _) = arguments[1].kind,
            elements.count == 1
        else { return nil }
        return staticType(elements[0])
    }

    func callType(_ function: String, target: CELExpr?, arguments: [CELExpr]) -> CELStaticType? {
        switch (function, target == nil, arguments.count) {
        case ("_[_]", true, 2):
            switch staticType(arguments[0]) {
            case .dyn: return .dyn
            case .list(let element): return element ?? .dyn
            case .map(_, let value): return value ?? .dyn
            default: return nil
            }
        case ("_?_:_", true, 3):
            let a = staticType(arguments[1])
            let b = staticType(arguments[2])
            if a == b { return a }
            return a == .dyn || b == .dyn ? .dyn : nil
        case ("_+_", true, 2), ("_-_", true, 2), ("_*_", true, 2), ("_/_", true, 2), ("_%_", true, 2):
            let a = staticType(arguments[0])
            let b = staticType(arguments[1])
            let timestamp = CELStaticType.named("google.protobuf.Timestamp")
            if function == "_-_", a == timestamp, b == timestamp { return .named("google.protobuf.Duration") }
            if a == b, case .named = a { return a }
            if a == .dyn, b == .dyn { return .dyn }
            let scalars: [CELStaticType] = [.int, .named("uint"), .named("double"), .string, .bytes]
            if a == .dyn, let b, scalars.contains(b) { return b }
            if b == .dyn, let a, scalars.contains(a) { return a }
            return nil
        case ("-_", true, 1):
            let a = staticType(arguments[0])
            return a == .int || a == .named("double") || a == .dyn ? a : nil
        case ("reverse", false, 0):
            let receiver = staticType(target!)
            return receiver == .string || receiver?.isList == true ? receiver : nil
        default:
            return CELStaticType.result(of: function)
        }
    }
}
