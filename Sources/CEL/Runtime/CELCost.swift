/// Kubernetes' runtime cost of CEL, as cel-go's `interpreter.CostTracker` counts it with Kubernetes' cost
/// estimator (`k8s.io/apiserver/pkg/cel/library/cost.go`), the overload trackers of ext.Sets and ext.Lists,
/// `PresenceTestHasCost(false)` and `OptOptimize` (which folds constant lists, maps and conversions and turns
/// `x in [constants]` into a set lookup, all free). The compiler charges every node as cel-go's planner
/// would observe it:
///
/// - constants 0; an identifier 1; each field selection or index 1 (an index by a computed key: the key's
///   cost, plus 1 unless the key is itself a variable or selection); a selection from a value that is not a
///   variable or selection (`f(x).y`) 1 more; an optional selection or index that finds nothing 0;
/// - `has(x.f)` as `x.f` less 1; `&&`, `||`, `?:`, `orValue` and `or` nothing themselves (a branch of `?:`
///   that is a variable or selection costs 1 less);
/// - a list literal 10, a map literal 30, plus their elements (0 when all are constants);
/// - a function call: its arguments plus the function's cost (``call(_:receiver:arguments:)``), 1 unless a
///   rule below sizes it by its arguments or result;
/// - a comprehension: its range, accumulator, and the condition and step of every iteration run, then the
///   result.
enum CELCost {
    /// cel-go's `common.StringTraversalCostFactor`.
    static let traversalFactor = 0.1
    /// cel-go's `common.RegexStringLengthCostFactor`.
    static let regexFactor = 0.25
    /// cel-go's `common.ListCreateBaseCost` and `common.MapCreateBaseCost`.
    static let listCreation = 10
    static let mapCreation = 30

    /// How a call is charged: a fixed amount, or one computed from the arguments (receiver first) and result.
    enum Call: Sendable {
        case fixed(Int)
        case computed(@Sendable ([CELValue], CELValue) -> Int)
    }

    /// cel-go's `actualSize`: the size of strings (code points), bytes, lists and maps, of an optional's
    /// value; 1 for everything else.
    static func size(_ value: CELValue) -> Int {
        switch value {
        case .optional(let wrapped?): size(wrapped)
        default: kubernetesSize(value)
        }
    }

    /// Kubernetes' `actualSize`: as cel-go's, but an optional counts 1.
    static func kubernetesSize(_ value: CELValue) -> Int {
        switch value {
        case .string(let text): codePoints(text)
        case .bytes(let bytes): bytes.count
        case .list(let list): list.count
        case .map(let map): map.count
        default: 1
        }
    }

    /// The number of code points (cel-go's string size), counting the UTF-8 bytes that start one.
    static func codePoints(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            for byte in bytes where byte & 0xC0 != 0x80 { count &+= 1 }
            return count
        }
    }

    /// Kubernetes' `traversalCost`: a tenth of the bytes of strings (rounded down), the sum over lists and
    /// maps (keys and values), 1 for everything else.
    static func traversal(_ value: CELValue) -> Int {
        switch value {
        case .string(let text): Int(Double(text.utf8.count) * traversalFactor)
        case .bytes(let bytes): Int(Double(bytes.count) * traversalFactor)
        case .list(let list): (0..<list.count).reduce(0) { $0 + traversal(list[$1]) }
        case .map(let map): map.entries.reduce(0) { $0 + traversal($1.key.value) + traversal($1.value) }
        default: 1
        }
    }

    /// `uint64(math.Ceil(float64(size) * factor))`, in the same floating-point steps as Go.
    static func scaled(_ size: Int, _ factor: Double) -> Int {
        Int((Double(size) * factor).rounded(.up))
    }

    /// The cost of a regex search: the string's traversal (plus one) times a quarter of the pattern's length.
    static func regex(_ text: Int, _ pattern: Int) -> Int {
        Int(((1.0 + Double(text)) * traversalFactor).rounded(.up)) * scaled(pattern, regexFactor)
    }

    /// ext.Lists' `trackAllocatingListCall`: a call, a new list, and `factor` per element.
    static func allocatingList(_ factor: Double, _ size: Int) -> Int {
        Int(Double(size) * factor) + 1 + listCreation
    }

    /// ext.Lists' worst-case quadratic comparison of a list's elements (`distinct`, `sort`).
    static func selfCompare(_ list: CELValue) -> Int {
        guard case .list(let values) = list, values.count > 0 else { return allocatingList(2, 0) }
        var factor = 2.0
        switch values[0] {
        case .string, .bytes: factor += traversalFactor
        default: break
        }
        return allocatingList(factor, values.count * values.count)
    }

    /// The cost of calling `function` (as the registry names it, or the operator's name), given the static
    /// types of its arguments (receiver first): cel-go charges by the overload the checker resolved, and an
    /// overload it could not pin down (arguments of type `dyn`) costs 1.
    static func call(_ function: String, receiver: Bool, arguments types: [CELStaticType?]) -> Call {
        if let rule = kubernetesRule(function, receiver: receiver, arguments: types) { return rule }
        if let rule = listsRule(function, arguments: types) { return rule }
        return standardRule(function, receiver: receiver, arguments: types)
    }

    /// ext.Sets' and ext.Lists' overload trackers (cel-go consults them first).
    static func listsRule(_ function: String, arguments types: [CELStaticType?]) -> Call? {
        switch function {
        case "sets.contains", "sets.intersects", "sets.equivalent":
            let factor = function == "sets.equivalent" ? 2.0 : 1.0
            return .computed { args, _ in 1 + Int(Double(kubernetesSize(args[0]) * kubernetesSize(args[1])) * factor) }
        case "slice", "lists.range":
            return .computed { _, result in allocatingList(1, kubernetesSize(result)) }
        case "reverse" where types.first??.isList ?? false:
            return .computed { _, result in allocatingList(1, kubernetesSize(result)) }
        case "flatten":
            return .computed { args, _ in
                var depth = 1.0
                if args.count == 2, case .int(let value) = args[1] { depth = Double(value) }
                return allocatingList(depth, kubernetesSize(args[0]))
            }
        case "distinct":
            return .computed { args, _ in selfCompare(args[0]) }
        case "sort" where types.first??.comparableElements ?? false:
            return .computed { args, _ in selfCompare(args[0]) }
        case "@sortByAssociatedKeys" where types.count == 2 && (types[1]?.comparableElements ?? false):
            return .computed { args, _ in selfCompare(args[1]) }
        default:
            return nil
        }
    }

    /// Kubernetes' `library.CostEstimator.CallCost`, by function name.
    static func kubernetesRule(_ function: String, receiver: Bool, arguments types: [CELStaticType?]) -> Call? {
        func firstScaled(_ factor: Double) -> Call { .computed { args, _ in scaled(kubernetesSize(args[0]), factor) } }
        switch function {
        case "check": return .fixed(350_000)
        case "validate":
            return .computed { args, _ in
                guard args.count == 2, case .opaque(let format as CELNamedFormat) = args[0] else { return 1 }
                return Int(((1.0 + Double(kubernetesSize(args[1]))) * traversalFactor).rounded(.up)) * format.regexCost
            }
        case "serviceAccount", "path", "group", "resource", "subresource", "namespace", "name", "allowed", "reason",
            "error", "errored", "masked", "prefixLength", "family", "isUnspecified", "isLoopback",
            "isLinkLocalMulticast", "isLinkLocalUnicast", "sign", "asInteger", "isInteger", "asApproximateFloat",
            "isGreaterThan", "isLessThan", "compareTo", "add", "sub", "format.named", "major", "minor", "patch",
            "isGlobalUnicast":
            return .fixed(1)
        case "isSorted", "sum", "max", "min", "indexOf", "lastIndexOf":
            return .computed { args, _ in traversal(args[0]) }
        case "url", "lowerAscii", "upperAscii", "substring", "trim", "cidr", "isIP", "isCIDR", "quantity",
            "isQuantity", "semver", "isSemver":
            return firstScaled(traversalFactor)
        case "ip":
            return receiver ? .fixed(1) : firstScaled(traversalFactor)
        case "replace", "split", "ip.isCanonical":
            return .computed { args, _ in Int((Double(kubernetesSize(args[0])) * 2 * traversalFactor).rounded(.up)) }
        case "join":
            return .computed { _, result in Int((Double(kubernetesSize(result)) * 2 * traversalFactor).rounded(.up)) }
        case "find", "findAll":
            return .computed { args, _ in args.count < 2 ? 1 : regex(kubernetesSize(args[0]), kubernetesSize(args[1])) }
        case "containsIP", "containsCIDR":
            // The `_string` overloads parse their argument: only when the checker knew it was a string.
            let parses = types.count == 2 && types[1] == .string
            let cidr = function == "containsCIDR"
            return .computed { args, _ in
                let size = kubernetesSize(args[0])
                var cost = scaled(size + size, traversalFactor)
                if cidr { cost += scaled(size, traversalFactor) + 1 }
                if parses { cost += scaled(kubernetesSize(args[1]), traversalFactor) }
                return cost
            }
        default:
            return nil
        }
    }

    /// How a binary operator is charged (given its operands, without building an argument array).
    enum Operator: Sendable {
        case fixed(Int)
        case computed(@Sendable (CELValue, CELValue) -> Int)
    }

    /// cel-go's rules for the operators: equality and the ordering and concatenation of strings and bytes
    /// cost a tenth of the (shorter) operand, membership in a list the list's size, the rest 1.
    static func binaryOperator(_ function: String, _ first: CELStaticType?, _ second: CELStaticType?) -> Operator {
        switch function {
        case "@in" where second?.isList ?? false:
            return .computed { _, list in size(list) }
        case "_==_", "_!=_":
            return .computed(equality)
        case "_<_", "_<=_", "_>_", "_>=_":
            guard CELStaticType.textual(first, second) else { return .fixed(1) }
            return .computed { a, b in scaled(min(size(a), size(b)), traversalFactor) }
        case "_+_":
            guard CELStaticType.textual(first, second) else { return .fixed(1) }
            return .computed { a, b in scaled(size(a) + size(b), traversalFactor) }
        default:
            return .fixed(1)
        }
    }

    /// Equality costs a tenth of the smaller operand. Two strings of at most 10 UTF-8 bytes (so at most 10 code
    /// points) cost 1, or 0 when one is empty, without counting their code points.
    static func equality(_ a: CELValue, _ b: CELValue) -> Int {
        if case .string(let x) = a, case .string(let y) = b {
            let bound = min(x.utf8.count, y.utf8.count)
            if bound <= 10 { return bound == 0 ? 0 : 1 }
        }
        return scaled(min(size(a), size(b)), traversalFactor)
    }

    /// cel-go's own rules (`CostTracker.costCall`) for the standard library's overloads.
    static func standardRule(_ function: String, receiver: Bool, arguments types: [CELStaticType?]) -> Call {
        let first = types.first ?? nil
        switch function {
        case "orValue", "or":
            return .fixed(0)
        case "startsWith", "endsWith", "strings.quote", "format":
            return .computed { args, _ in scaled(size(args[0]), traversalFactor) }
        case "string" where first == .bytes, "bytes" where first == .string:
            return .computed { args, _ in scaled(size(args[0]), traversalFactor) }
        case "matches" where receiver:
            return .computed { args, _ in regex(size(args[0]), size(args[1])) }
        case "contains" where receiver:
            return .computed { args, _ in
                scaled(size(args[0]), traversalFactor) * scaled(size(args[1]), traversalFactor)
            }
        default:
            return .fixed(1)
        }
    }
}
