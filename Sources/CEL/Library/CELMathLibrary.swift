/// cel-go's `ext.Math`, which Kyverno enables (Kubernetes does not): `math.greatest`/`math.least` (over
/// arguments or one list, numbers of any kind), `ceil`, `floor`, `round` (half away from zero), `trunc`,
/// `abs`, `sign`, `isNaN`, `isInf`, `isFinite`, and the bit operations on int and uint.
public struct CELMathLibrary: CELLibrary {
    public init() {}

    /// The most arguments `math.greatest`/`math.least` accept without a list.
    static let maximumArity = 16

    public func register(into registry: inout CELFunctionRegistry) {
        for (name, wanted) in [("math.greatest", 1), ("math.least", -1)] {
            registry.add(.unary(name, .any) { Self.extreme(name, [$0], wanted: wanted, unwrapList: true) })
            for arity in 2...Self.maximumArity {
                registry.add(
                    CELOverload(
                        name, Array(repeating: .any, count: arity),
                        body: .variadic { Self.extreme(name, $0, wanted: wanted, unwrapList: false) }))
            }
        }
        let rounding: [(String, FloatingPointRoundingRule)] = [
            ("math.ceil", .up), ("math.floor", .down), ("math.round", .toNearestOrAwayFromZero),
            ("math.trunc", .towardZero),
        ]
        for (name, rule) in rounding {
            registry.add(
                .unary(name, .double) { value in
                    guard case .double(let x) = value else { return .error(.noMatchingOverload(name)) }
                    return .double(x.rounded(rule))
                })
        }
        registry.add(
            .unary("math.abs", .int) { value in
                guard case .int(let x) = value else { return .error(.noMatchingOverload("math.abs")) }
                return x == .min ? .error(.overflow) : .int(Swift.abs(x))
            })
        registry.add(.unary("math.abs", .uint) { $0 })
        registry.add(
            .unary("math.abs", .double) { value in
                guard case .double(let x) = value else { return .error(.noMatchingOverload("math.abs")) }
                return .double(Swift.abs(x))
            })
        registry.add(
            .unary("math.sign", .int) { value in
                guard case .int(let x) = value else { return .error(.noMatchingOverload("math.sign")) }
                return .int(x.signum())
            })
        registry.add(
            .unary("math.sign", .uint) { value in
                guard case .uint(let x) = value else { return .error(.noMatchingOverload("math.sign")) }
                return .uint(x == 0 ? 0 : 1)
            })
        registry.add(
            .unary("math.sign", .double) { value in
                guard case .double(let x) = value else { return .error(.noMatchingOverload("math.sign")) }
                return .double(x.isNaN ? x : (x > 0 ? 1 : (x < 0 ? -1 : 0)))
            })
        let predicates: [(String, @Sendable (Double) -> Bool)] = [
            ("math.isNaN", { $0.isNaN }), ("math.isInf", { $0.isInfinite }), ("math.isFinite", { $0.isFinite }),
        ]
        for (name, predicate) in predicates {
            registry.add(
                .unary(name, .double) { value in
                    guard case .double(let x) = value else { return .error(.noMatchingOverload(name)) }
                    return .bool(predicate(x))
                })
        }
        registerBits(into: &registry)
    }

    private func registerBits(into registry: inout CELFunctionRegistry) {
        let operations: [(String, @Sendable (UInt64, UInt64) -> UInt64)] = [
            ("math.bitAnd", { $0 & $1 }), ("math.bitOr", { $0 | $1 }), ("math.bitXor", { $0 ^ $1 }),
        ]
        for (name, operation) in operations {
            registry.add(
                .binary(name, .int, .int) { a, b in
                    guard case .int(let x) = a, case .int(let y) = b else { return .error(.noMatchingOverload(name)) }
                    return .int(Int64(bitPattern: operation(UInt64(bitPattern: x), UInt64(bitPattern: y))))
                })
            registry.add(
                .binary(name, .uint, .uint) { a, b in
                    guard case .uint(let x) = a, case .uint(let y) = b else { return .error(.noMatchingOverload(name)) }
                    return .uint(operation(x, y))
                })
        }
        registry.add(
            .unary("math.bitNot", .int) { value in
                guard case .int(let x) = value else { return .error(.noMatchingOverload("math.bitNot")) }
                return .int(~x)
            })
        registry.add(
            .unary("math.bitNot", .uint) { value in
                guard case .uint(let x) = value else { return .error(.noMatchingOverload("math.bitNot")) }
                return .uint(~x)
            })
        for (name, left) in [("math.bitShiftLeft", true), ("math.bitShiftRight", false)] {
            for kind in [CELKind.int, .uint] {
                registry.add(
                    .binary(name, kind, .int) { value, offset in
                        guard case .int(let shift) = offset else { return .error(.noMatchingOverload(name)) }
                        guard shift >= 0 else { return .error(CELError("math.\(name): negative offset: \(shift)")) }
                        let bits: UInt64
                        switch value {
                        case .int(let x): bits = UInt64(bitPattern: x)
                        case .uint(let x): bits = x
                        default: return .error(.noMatchingOverload(name))
                        }
                        // Shifts of 64 or more clear every bit; right shifts are logical, as in cel-go.
                        let shifted = shift >= 64 ? 0 : (left ? bits << UInt64(shift) : bits >> UInt64(shift))
                        if case .int = value { return .int(Int64(bitPattern: shifted)) }
                        return .uint(shifted)
                    })
            }
        }
    }

    /// The greatest (`wanted` 1) or least (-1) of numbers, the first one on ties; one list argument
    /// stands for its elements.
    static func extreme(_ name: String, _ arguments: [CELValue], wanted: Int, unwrapList: Bool) -> CELValue {
        var values = arguments
        if unwrapList, case .list(let list) = arguments[0] { values = list.values }
        guard var best = values.first else { return .error(CELError("\(name)(): list must not be empty")) }
        for value in values {
            switch value {
            case .int, .uint, .double: break
            default: return .error(.noMatchingOverload(name))
            }
            if let order = CELValue.compareNumbers(value, best), order == wanted { best = value }
        }
        return best
    }
}
