/// Kubernetes' `cel.HomogeneousAggregateLiterals` check, without a full type checker: every element of a
/// list literal, and every key and every value of a map literal, must have the same static type, where
/// the static type is known from the syntax alone (literals, `dyn(...)`, declared variables and selections
/// from them, which are `dyn`, conversions, `size`, nested literals). Elements whose type needs the checker
/// are not compared, so the check refuses only what cel-go refuses.
extension CELCompiler {
    indirect enum StaticType: Equatable {
        case named(String)
        case dyn
        /// `nil` element type: an empty literal, compatible with any element type.
        case list(StaticType?)
        case map(StaticType?, StaticType?)

        var name: String {
            switch self {
            case .named(let name): name
            case .dyn: "dyn"
            case .list(let element): "list(\(element?.name ?? "T"))"
            case .map(let key, let value): "map(\(key?.name ?? "K"), \(value?.name ?? "V"))"
            }
        }
    }

    static func compatible(_ a: StaticType?, _ b: StaticType?) -> Bool {
        guard let a, let b else { return true }
        switch (a, b) {
        case (.named(let x), .named(let y)): return x == y
        case (.dyn, .dyn): return true
        case (.list(let x), .list(let y)): return compatible(x, y)
        case (.map(let k1, let v1), .map(let k2, let v2)): return compatible(k1, k2) && compatible(v1, v2)
        default: return false
        }
    }

    /// The more specific of two compatible types.
    static func merged(_ a: StaticType?, _ b: StaticType?) -> StaticType? {
        guard let a else { return b }
        guard let b else { return a }
        switch (a, b) {
        case (.list(let x), .list(let y)): return .list(merged(x, y))
        case (.map(let k1, let v1), .map(let k2, let v2)): return .map(merged(k1, k2), merged(v1, v2))
        default: return a
        }
    }

    /// The static type of an expression when the syntax alone tells it, nil otherwise.
    func staticType(_ expr: CELExpr) -> StaticType? {
        switch expr.kind {
        case .literal(let value):
            switch value {
            case .null: return .named("null")
            case .bool, .int, .uint, .double, .string, .bytes: return .named(value.celType.name)
            default: return nil
            }
        case .ident(let name):
            if resolveLocal(name) == nil, environment.variables.contains(name) { return .dyn }
            return nil
        case .select(let operand, _, let testOnly, let optional):
            if testOnly { return .named("bool") }
            if optional { return nil }
            return staticType(operand) == .dyn ? .dyn : nil
        case .call(let function, let target, let arguments):
            if target == nil, function == "_[_]", arguments.count == 2, staticType(arguments[0]) == .dyn { return .dyn }
            guard target == nil, arguments.count == 1 else {
                if target != nil, function == "size", arguments.isEmpty { return .named("int") }
                return nil
            }
            switch function {
            case "dyn": return .dyn
            case "int", "uint", "double", "string", "bytes", "bool": return .named(function)
            case "size": return .named("int")
            case "timestamp": return .named("google.protobuf.Timestamp")
            case "duration": return .named("google.protobuf.Duration")
            default: return nil
            }
        case .list(let elements, let optionalIndices):
            var element: StaticType?
            for (index, item) in elements.enumerated() where !optionalIndices.contains(index) {
                let type = staticType(item)
                guard Self.compatible(element, type) else { return .list(nil) }
                element = Self.merged(element, type)
            }
            return .list(element)
        case .map(let entries):
            var key: StaticType?
            var value: StaticType?
            for entry in entries where !entry.optional {
                let k = staticType(entry.key)
                let v = staticType(entry.value)
                guard Self.compatible(key, k), Self.compatible(value, v) else { return .map(nil, nil) }
                key = Self.merged(key, k)
                value = Self.merged(value, v)
            }
            return .map(key, value)
        case .comprehension:
            return nil
        }
    }

    /// Throws cel-go's error at the first element whose type differs from the ones before it.
    func checkHomogeneous(_ items: [CELExpr]) throws(CELCompileError) {
        var expected: StaticType?
        for item in items {
            let type = staticType(item)
            guard Self.compatible(expected, type) else {
                throw error(
                    "expected type '\(expected?.name ?? "dyn")' but found '\(type?.name ?? "dyn")'", at: item.offset)
            }
            expected = Self.merged(expected, type)
        }
    }
}
