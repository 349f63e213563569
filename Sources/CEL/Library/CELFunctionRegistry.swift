/// The kind of an argument an overload accepts; ``any`` accepts every value (`dyn`).
public enum CELKind: Hashable, Sendable {
    case any, null, bool, int, uint, double, string, bytes, list, map, timestamp, duration, type, optional
    case opaque(String)

    /// Whether a runtime value is of this kind.
    @inlinable public func matches(_ value: CELValue) -> Bool {
        switch (self, value) {
        case (.any, _), (.null, .null), (.bool, .bool), (.int, .int), (.uint, .uint), (.double, .double),
            (.string, .string), (.bytes, .bytes), (.list, .list), (.map, .map), (.timestamp, .timestamp),
            (.duration, .duration), (.type, .type), (.optional, .optional):
            return true
        case (.opaque(let name), .opaque(let opaque)): return opaque.celTypeName == name
        default: return false
        }
    }
}

/// The code of an overload. Arity-specific cases avoid building an argument array on the hot path.
public enum CELFunctionBody: Sendable {
    case unary(@Sendable (CELValue) -> CELValue)
    case binary(@Sendable (CELValue, CELValue) -> CELValue)
    case ternary(@Sendable (CELValue, CELValue, CELValue) -> CELValue)
    case variadic(@Sendable ([CELValue]) -> CELValue)
}

/// One overload of a function: its name, call style, argument kinds and code.
///
/// For a receiver-style overload (`"abc".startsWith("a")`) the receiver is the first argument kind and
/// the first value passed to the body. Arguments that are errors never reach the body: the call's
/// result is the first such error (functions are strict).
public struct CELOverload: Sendable {
    public var name: String
    public var isReceiverStyle: Bool
    public var argumentKinds: [CELKind]
    public var body: CELFunctionBody
    /// Optional compile-time specialisation: given the arguments that are constants (nil for the others),
    /// a body to use instead (for example a regex compiled once for a literal pattern).
    public var specialize: (@Sendable ([CELValue?]) -> CELFunctionBody?)?

    public init(
        _ name: String, receiver: Bool = false, _ argumentKinds: [CELKind], body: CELFunctionBody,
        specialize: (@Sendable ([CELValue?]) -> CELFunctionBody?)? = nil
    ) {
        self.name = name
        self.isReceiverStyle = receiver
        self.argumentKinds = argumentKinds
        self.body = body
        self.specialize = specialize
    }

    /// A one-argument overload (the receiver, for receiver style).
    public static func unary(
        _ name: String, receiver: Bool = false, _ kind: CELKind, _ body: @escaping @Sendable (CELValue) -> CELValue
    ) -> CELOverload {
        CELOverload(name, receiver: receiver, [kind], body: .unary(body))
    }

    public static func binary(
        _ name: String, receiver: Bool = false, _ first: CELKind, _ second: CELKind,
        _ body: @escaping @Sendable (CELValue, CELValue) -> CELValue
    ) -> CELOverload {
        CELOverload(name, receiver: receiver, [first, second], body: .binary(body))
    }
}

/// A set of functions to add to an environment (the standard library, Kubernetes' libraries, ...).
public protocol CELLibrary: Sendable {
    func register(into registry: inout CELFunctionRegistry)
}

/// Every overload an environment knows, by name. Libraries add to it; the compiler resolves each call
/// to the overloads of its name, call style and arity once, and picks among them at run time by the
/// kinds of the argument values (dynamic dispatch, as cel-go does for `dyn`).
public struct CELFunctionRegistry: Sendable {
    private(set) var overloads: [String: [CELOverload]] = [:]
    /// Type names libraries define (`net.IP`): identifiers that denote ``CELType/opaque(_:)`` type values.
    public private(set) var typeNames: Set<String> = []
    /// Named values a library defines (`authorizer`), by plain or dotted name. Declared variables of the
    /// same name take precedence.
    public private(set) var constants: [String: CELValue] = [:]

    public init() {}

    /// Adds an overload. Later overloads with the same name, style and kinds replace earlier ones.
    public mutating func add(_ overload: CELOverload) {
        var list = overloads[overload.name, default: []]
        list.removeAll {
            $0.isReceiverStyle == overload.isReceiverStyle && $0.argumentKinds == overload.argumentKinds
        }
        list.append(overload)
        overloads[overload.name] = list
    }

    public mutating func add(_ overloads: [CELOverload]) {
        for overload in overloads { add(overload) }
    }

    /// Declares a library type name, so `type(x) == net.IP` compiles.
    public mutating func addType(_ name: String) { typeNames.insert(name) }

    /// Defines a named value (a library's constant, or an identifier that always evaluates to an error).
    public mutating func addConstant(_ name: String, _ value: CELValue) { constants[name] = value }

    /// Whether any overload has this name.
    public func contains(_ name: String) -> Bool { overloads[name] != nil }

    func candidates(_ name: String, receiver: Bool, arity: Int) -> [CELOverload] {
        (overloads[name] ?? []).filter { $0.isReceiverStyle == receiver && $0.argumentKinds.count == arity }
    }
}
