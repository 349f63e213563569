import KubeValues

/// CEL's standard library (cel-spec's "Standard Definitions"): `size`, string predicates, `matches`
/// (RE2 semantics through ``GoRegex``), type conversions, `type`, `dyn`, timestamp and duration
/// accessors, and the optional-value functions. Operators are built into the compiler.
public struct CELStandardLibrary: CELLibrary {
    public init() {}

    public func register(into registry: inout CELFunctionRegistry) {
        registerStrings(into: &registry)
        registerConversions(into: &registry)
        registerTime(into: &registry)
        registerOptionals(into: &registry)
    }

    private func registerStrings(into registry: inout CELFunctionRegistry) {
        let size: @Sendable (CELValue) -> CELValue = { value in
            switch value {
            case .string(let text): .int(Int64(text.unicodeScalars.count))
            case .bytes(let bytes): .int(Int64(bytes.count))
            case .list(let list): .int(Int64(list.count))
            case .map(let map): .int(Int64(map.count))
            default: .error(.noMatchingOverload("size"))
            }
        }
        for receiver in [false, true] {
            for kind in [CELKind.string, .bytes, .list, .map] {
                registry.add(.unary("size", receiver: receiver, kind, size))
            }
        }
        registry.add(
            .binary("contains", receiver: true, .string, .string) { text, part in
                guard case .string(let text) = text, case .string(let part) = part else { return .bool(false) }
                return .bool(CELText.contains(text, part))
            })
        registry.add(
            .binary("startsWith", receiver: true, .string, .string) { text, prefix in
                guard case .string(let text) = text, case .string(let prefix) = prefix else { return .bool(false) }
                return .bool(CELText.hasPrefix(text, prefix))
            })
        registry.add(
            .binary("endsWith", receiver: true, .string, .string) { text, suffix in
                guard case .string(let text) = text, case .string(let suffix) = suffix else { return .bool(false) }
                return .bool(CELText.hasSuffix(text, suffix))
            })
        for receiver in [true, false] {
            registry.add(
                CELOverload(
                    "matches", receiver: receiver, [.string, .string], body: .binary(Self.matches),
                    specialize: { constants in
                        guard constants.count == 2, case .string(let pattern)? = constants[1] else { return nil }
                        do throws(GoRegexError) {
                            let shared = SharedRegex(try GoRegex(pattern))
                            return .binary { text, _ in
                                guard case .string(let text) = text else {
                                    return .error(.noMatchingOverload("matches"))
                                }
                                return .bool(shared.regex.matches(text))
                            }
                        } catch {
                            let message = CELValue.error(CELError(error.description))
                            return .binary { _, _ in message }
                        }
                    }))
        }
    }

    static func matches(_ text: CELValue, _ pattern: CELValue) -> CELValue {
        guard case .string(let text) = text, case .string(let pattern) = pattern else {
            return .error(.noMatchingOverload("matches"))
        }
        do throws(GoRegexError) {
            return .bool(try GoRegex(pattern).matches(text))
        } catch {
            return .error(CELError(error.description))
        }
    }

    private func registerOptionals(into registry: inout CELFunctionRegistry) {
        registry.add(.unary("optional.of", .any) { .optional($0) })
        registry.add(CELOverload("optional.none", [], body: .variadic { _ in .optional(nil) }))
        registry.add(
            .unary("optional.ofNonZeroValue", .any) { value in
                CELStandardLibrary.isZero(value) ? .optional(nil) : .optional(value)
            })
        registry.add(
            .unary("hasValue", receiver: true, .optional) { value in
                guard case .optional(let wrapped) = value else { return .bool(false) }
                return .bool(wrapped != nil)
            })
        registry.add(
            .unary("value", receiver: true, .optional) { value in
                guard case .optional(let wrapped?) = value else {
                    return .error(CELError("optional.none() dereference"))
                }
                return wrapped
            })
        registry.add(
            .binary("orValue", receiver: true, .any, .any) { value, fallback in
                // cel-go returns a receiver that is not an optional as it is (`dyn` fields of JSON objects).
                guard case .optional(let wrapped) = value else { return value }
                return wrapped ?? fallback
            })
        registry.add(
            .binary("or", receiver: true, .any, .any) { value, other in
                guard case .optional(let wrapped) = value else { return value }
                return wrapped == nil ? other : value
            })
    }

    static func isZero(_ value: CELValue) -> Bool {
        switch value {
        case .null: true
        case .bool(let x): !x
        case .int(let x): x == 0
        case .uint(let x): x == 0
        case .double(let x): x == 0
        case .string(let x): x.isEmpty
        case .bytes(let x): x.isEmpty
        case .list(let x): x.count == 0
        case .map(let x): x.count == 0
        case .duration(let x): x.nanoseconds == 0
        case .timestamp(let x): x.seconds == 0 && x.nanos == 0
        default: false
        }
    }
}

/// Shares one compiled regex between concurrent evaluations of a program.
/// `@unchecked Sendable` invariant: `regex` is a `let` never mutated after `init`; Swift's `Regex` is an
/// immutable value whose lazily lowered program is published atomically, so concurrent matching is safe.
final class SharedRegex: @unchecked Sendable {
    let regex: GoRegex

    init(_ regex: GoRegex) { self.regex = regex }
}
