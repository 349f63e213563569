import JSONValue
import OrderedCollections

/// Chains of optional selections ended by `orValue` or `hasValue`, the most common shape of Kubernetes
/// policies (`container.?securityContext.?runAsNonRoot.orValue(false)`, `object.metadata.?labels[?'app']`),
/// compile to one node that walks the fields without building the intermediate optional values. The result
/// is the one the separate `_?._`, `_[?_]`, select, `orValue` and `hasValue` nodes would give.
extension CELCompiler {
    /// One step of a chain, applied to a value that is (conceptually) wrapped in an optional.
    enum ChainStep: Sendable {
        /// `.?name`, or `.name` after an optional step (a selection on an optional is an optional selection).
        case field(String)
        /// `[?'key']` with a string literal key.
        case key(String)

        var name: String {
            switch self {
            case .field(let name), .key(let name): name
            }
        }
    }

    /// The fused node for `target.orValue(fallback)` or `target.hasValue()` when `target` is such a chain and
    /// the function is the standard library's; nil otherwise (the call compiles as usual).
    mutating func optionalChain(
        _ function: String, target: CELExpr, arguments: [CELExpr], _ candidates: [CELOverload]
    ) throws(CELCompileError) -> CELEval? {
        guard candidates.count == 1 else { return nil }
        switch (function, arguments.count, candidates[0].argumentKinds) {
        case ("orValue", 1, [.any, .any]), ("hasValue", 0, [.optional]): break
        default: return nil
        }
        // Walk inwards from the last step; the base is the operand of the innermost optional step.
        var steps: [ChainStep] = []
        var innermost: (steps: Int, base: CELExpr)?
        var current = target
        walk: while true {
            switch current.kind {
            case .call("_?._", nil, let operands) where operands.count == 2:
                guard case .literal(.string(let name)) = operands[1].kind else { break walk }
                steps.append(.field(name))
                current = operands[0]
                innermost = (steps.count, current)
            case .call("_[?_]", nil, let operands) where operands.count == 2:
                guard case .literal(.string(let key)) = operands[1].kind else { break walk }
                steps.append(.key(key))
                current = operands[0]
                innermost = (steps.count, current)
            case .select(let operand, let field, false, false):
                steps.append(.field(field))
                current = operand
            default:
                break walk
            }
        }
        guard let innermost else { return nil }
        let chain = Array(steps.prefix(innermost.steps).reversed())
        let base = try compile(innermost.base)
        // 1 per step that finds something (1 more from a base that is not an attribute); `hasValue` 1, and
        // `orValue` nothing, its fallback evaluated only when needed.
        let extra = relativeCost(innermost.base)
        if function == "hasValue" {
            return { frame in
                let value = base(frame)
                if case .error = value { return value }
                let found = Self.follow(value, chain, charging: frame)
                frame.charge(extra + 1)
                if case .error? = found { return found ?? .null }
                return .bool(found != nil)
            }
        }
        let fallback = try compile(arguments[0])
        return { frame in
            let value = base(frame)
            if case .error = value { return value }
            let found = Self.follow(value, chain, charging: frame)
            frame.charge(extra)
            if let found { return found }
            return fallback(frame)
        }
    }

    /// The value at the end of the chain, nil when a step finds nothing (`optional.none()`), or an error
    /// value (a step on a value that is not a map; map values are never errors, so this is unambiguous).
    static func follow(_ start: CELValue, _ steps: [ChainStep], charging frame: CELFrame) -> CELValue? {
        var current = start
        var next = 0
        while next < steps.count {
            while case .optional(let inner) = current {
                guard let inner else { return nil }
                current = inner
            }
            // Through wrapped JSON objects a field and a string key are the same lookup; walk them without
            // wrapping the objects in between.
            if case .map(let map) = current, case .json(let object) = map.box.storage {
                guard let found = object.index(forKey: steps[next].name) else { return nil }
                var value = object.values[found]
                next += 1
                frame.charge(1)
                while next < steps.count {
                    guard case .object(let inner) = value else { break }
                    guard let found = inner.index(forKey: steps[next].name) else { return nil }
                    value = inner.values[found]
                    next += 1
                    frame.charge(1)
                }
                current = CELValue(json: value)
                continue
            }
            switch steps[next] {
            case .field(let name):
                guard case .map(let map) = current else {
                    return .error(CELError("type '\(current.celType.name)' does not support field selection"))
                }
                guard let value = map[field: name] else { return nil }
                current = value
            case .key(let key):
                switch current {
                case .map(let map):
                    guard let value = map.lookup(.string(key)) else { return nil }
                    current = value
                case .list: return .error(.noMatchingOverload("_[_]"))
                default: return .error(.noMatchingOverload("_[?_]"))
                }
            }
            next += 1
            frame.charge(1)
        }
        return current
    }
}
