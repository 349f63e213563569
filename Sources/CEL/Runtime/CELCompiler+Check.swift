import KubeValues

/// The type checks of cel-go's checker that matter for Kubernetes (``CELEnvironment/checksTypes``): a call
/// whose arguments have static types (literals, results of typed functions and operators) that no overload
/// accepts fails to compile, with cel-go's message. `dyn` (the Kubernetes variables and whatever is selected
/// from them) is accepted by every overload, as in cel-go, so expressions over objects stay permissive.
extension CELCompiler {
    /// The operators' overloads by argument kinds (the standard library's declarations; comparisons across
    /// numeric types are enabled, as Kubernetes does).
    static func operatorOverloads(_ function: String) -> [[CELKind]]? {
        let numbers: [CELKind] = [.int, .uint, .double]
        switch function {
        case "_+_":
            return numbers.map { [$0, $0] } + [
                [.string, .string], [.bytes, .bytes], [.list, .list],
                [.timestamp, .duration], [.duration, .timestamp], [.duration, .duration],
            ]
        case "_-_":
            return numbers.map { [$0, $0] } + [
                [.timestamp, .timestamp], [.timestamp, .duration], [.duration, .duration],
            ]
        case "_*_", "_/_": return numbers.map { [$0, $0] }
        case "_%_": return [[.int, .int], [.uint, .uint]]
        case "_<_", "_<=_", "_>_", "_>=_":
            let same: [CELKind] = [.bool, .string, .bytes, .timestamp, .duration]
            return same.map { [$0, $0] } + numbers.flatMap { a in numbers.map { [a, $0] } }
        case "!_": return [[.bool]]
        case "-_": return [[.int], [.double]]
        case "@in": return [[.any, .list], [.any, .map]]
        case "_[_]": return [[.list, .int], [.map, .any]]
        default: return nil
        }
    }

    /// The operators checked by their own rules rather than by ``operatorOverloads(_:)``.
    static let checkedOperators: Set<String> = ["_==_", "_!=_", "_?_:_", "_&&_", "_||_"]

    static let kinds: [CELType: CELKind] = [
        .null: .null, .bool: .bool, .int: .int, .uint: .uint, .double: .double, .string: .string, .bytes: .bytes,
        .timestamp: .timestamp, .duration: .duration, .type: .type, .list: .list, .map: .map,
    ]

    /// The kind a static type pins down, nil for `dyn` and types the inference does not follow.
    static func kind(_ type: CELStaticType?) -> CELKind? {
        switch type {
        case .named(let name)?: CELType.named(name).flatMap { kinds[$0] }
        case .list?: .list
        case .map?: .map
        default: nil
        }
    }

    /// Whether two static types can be the same type (`dyn`, and types the inference does not follow, can).
    static func unify(_ a: CELStaticType?, _ b: CELStaticType?) -> Bool {
        guard let a, let b, a != .dyn, b != .dyn else { return true }
        switch (a, b) {
        case (.named(let x), .named(let y)): return x == y || kind(a) == nil || kind(b) == nil
        case (.list(let x), .list(let y)): return unify(x, y)
        case (.map(let k1, let v1), .map(let k2, let v2)): return unify(k1, k2) && unify(v1, v2)
        default: return kind(a) == nil || kind(b) == nil
        }
    }

    /// Whether an overload taking `kinds` accepts arguments of these static types.
    static func accepts(_ kinds: [CELKind], _ types: [CELStaticType?]) -> Bool {
        kinds.count == types.count
            && zip(kinds, types).allSatisfy { expected, type in
                guard let actual = kind(type), expected != .any else { return true }
                if case .opaque = expected { return false }
                return expected == actual
            }
    }

    /// cel-go's rendering of argument types: `(int, string)`, or `string.(int)` for a receiver call.
    static func signature(_ types: [CELStaticType?], receiver: Bool) -> String {
        let names = types.map { $0?.name ?? "dyn" }
        guard receiver, let first = names.first else { return "(" + names.joined(separator: ", ") + ")" }
        return first + ".(" + names.dropFirst().joined(separator: ", ") + ")"
    }

    /// cel-go's error for a call no overload accepts, at the call's opening parenthesis (an operator's
    /// offset is its symbol already).
    func noMatchingOverload(
        _ function: String, _ types: [CELStaticType?], receiver: Bool, at offset: Int
    ) -> CELCompileError {
        let utf8 = Array(source.utf8)
        var position = offset
        if function.first != "_", function.first != "@", function.first != "!", function.first != "-" {
            while position < utf8.count, utf8[position] != UInt8(ascii: "(") { position += 1 }
            if position == utf8.count { position = offset }
        }
        return error(
            "found no matching overload for '\(function)' applied to '\(Self.signature(types, receiver: receiver))'",
            at: position)
    }

    /// Checks an operator call (`_+_`, `!_`, `_?_:_`, ...) against the operators' overloads.
    func checkOperator(_ function: String, _ arguments: [CELExpr], at offset: Int) throws(CELCompileError) {
        guard environment.checksTypes else { return }
        let types = arguments.map(staticType)
        switch function {
        case "_==_", "_!=_":
            // `(A, A)`: the two types must unify (`dyn` unifies with anything).
            guard !Self.unify(types[0], types[1]) else { return }
            throw noMatchingOverload(function, types, receiver: false, at: offset)
        case "_?_:_":
            let condition = Self.kind(types[0])
            guard condition != nil && condition != .bool || !Self.unify(types[1], types[2]) else { return }
            throw noMatchingOverload(function, types, receiver: false, at: offset)
        case "_&&_", "_||_":
            // cel-go checks the operands of the logical operators one by one.
            for (argument, type) in zip(arguments, types) {
                guard let kind = Self.kind(type), kind != .bool else { continue }
                throw error("expected type 'bool' but found '\(type?.name ?? "dyn")'", at: argument.offset)
            }
        default:
            guard let overloads = Self.operatorOverloads(function),
                !overloads.contains(where: { Self.accepts($0, types) })
            else { return }
            throw noMatchingOverload(function, types, receiver: false, at: offset)
        }
    }

    /// What the standard conversions accept (registered as one overload over any value, declared per type).
    static func conversionKinds(_ function: String) -> [CELKind]? {
        switch function {
        case "int": [.int, .uint, .double, .string, .timestamp, .duration]
        case "uint", "double": [.int, .uint, .double, .string]
        case "string": [.int, .uint, .double, .bool, .string, .bytes, .timestamp, .duration]
        case "bytes": [.bytes, .string]
        case "bool": [.bool, .string]
        case "timestamp": [.timestamp, .string, .int]
        case "duration": [.duration, .string]
        default: nil
        }
    }

    /// Fails when no candidate accepts the arguments' static types, naming the types as cel-go does; and
    /// runs cel-go's literal validators (`duration('1x')`, `timestamp('x')`, `matches('(')`).
    func checkCall(
        _ function: String, receiver: Bool, _ all: [CELExpr], _ candidates: [CELOverload], at offset: Int
    ) throws(CELCompileError) {
        guard environment.checksTypes else { return }
        let types = all.map(staticType)
        if !receiver, all.count == 1, let kinds = Self.conversionKinds(function) {
            if let kind = Self.kind(types[0]), !kinds.contains(kind) {
                throw noMatchingOverload(function, types, receiver: receiver, at: offset)
            }
        } else if !candidates.contains(where: { Self.accepts($0.argumentKinds, types) }) {
            throw noMatchingOverload(function, types, receiver: receiver, at: offset)
        }
        try validateLiteral(function, receiver: receiver, all)
    }

    /// cel-go's `ValidateDurationLiterals`, `ValidateTimestampLiterals` and `ValidateRegexLiterals`.
    func validateLiteral(_ function: String, receiver: Bool, _ all: [CELExpr]) throws(CELCompileError) {
        let index = receiver ? 1 : 0
        guard all.count > index, case .literal(let value) = all[index].kind else { return }
        let valid: Bool
        switch (function, value) {
        case ("duration", .string(let text)): valid = CELDuration(parsing: text) != nil
        case ("duration", _): valid = false
        case ("timestamp", .string(let text)): valid = CELTimestamp(parsing: text) != nil
        case ("matches", .string(let pattern)):
            do throws(GoRegexError) {
                _ = try GoRegex(pattern)
                valid = true
            } catch {
                valid = false
            }
        default: return
        }
        if !valid { throw error("invalid \(function) argument", at: all[index].offset) }
    }

    /// A field selected (at any step of a chain) from a value whose static type has no fields (`'abc'.size`,
    /// `{'a': 1}.a.b`).
    func checkSelect(_ select: CELExpr) throws(CELCompileError) {
        guard environment.checksTypes else { return }
        var node = select
        while case .select(let operand, _, _, _) = node.kind {
            if let kind = Self.kind(staticType(operand)), kind != .map {
                throw error(
                    "type '\(staticType(operand)?.name ?? "dyn")' does not support field selection", at: node.offset)
            }
            node = operand
        }
    }
}
