public import JSONValue

/// The types a function parameter accepts, as in the JMESPath specification's signatures.
public indirect enum JMESPathType: Sendable, Hashable, CustomStringConvertible {
    case any
    case null
    case boolean
    case number
    case string
    case array
    case object
    /// An expression reference, `&expr`.
    case expression
    /// An array whose every element has the given type, for example `array[number]`.
    case arrayOf(JMESPathType)

    public var description: String {
        switch self {
        case .any: "any"
        case .null: "null"
        case .boolean: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .expression: "expression"
        case .arrayOf(let element): "array[\(element)]"
        }
    }
}

/// One parameter of a function: the types it accepts (any of them).
public struct JMESPathParameter: Sendable, Hashable {
    public var types: [JMESPathType]
    /// An optional trailing parameter may be left out by the caller.
    public var optional: Bool

    public init(_ types: JMESPathType..., optional: Bool = false) {
        self.types = types
        self.optional = optional
    }
}

/// An `&expr` argument: call ``evaluate(_:)`` to apply the referenced expression to a value.
public struct JMESPathExpressionReference: Sendable {
    private let body: @Sendable (JSONValue) throws(JMESPathError) -> JSONValue

    public init(_ body: @escaping @Sendable (JSONValue) throws(JMESPathError) -> JSONValue) {
        self.body = body
    }

    public func evaluate(_ value: JSONValue) throws(JMESPathError) -> JSONValue {
        try body(value)
    }
}

/// A value passed to a function: a JSON value, or an expression reference.
public enum JMESPathArgument: Sendable {
    case value(JSONValue)
    case expression(JMESPathExpressionReference)

    /// The JSON value, or `null` for an expression reference.
    public var value: JSONValue {
        if case .value(let value) = self { return value }
        return .null
    }
}

/// A function that JMESPath expressions can call.
///
/// The engine checks the arity and the argument types against ``parameters`` before it calls ``body``,
/// so a body can rely on them; it throws ``JMESPathError`` for anything else (a bad value, zero divisor).
public struct JMESPathFunction: Sendable {
    public var name: String
    public var parameters: [JMESPathParameter]
    /// When true, the last parameter may repeat any number of times (at least once unless optional).
    public var variadic: Bool
    /// The return type, for listings such as `vigil jp function`.
    public var returns: JMESPathType
    /// A one-line description, for listings.
    public var summary: String
    public var body: @Sendable ([JMESPathArgument]) throws(JMESPathError) -> JSONValue

    public init(
        name: String,
        parameters: [JMESPathParameter],
        variadic: Bool = false,
        returns: JMESPathType,
        summary: String,
        body: @escaping @Sendable ([JMESPathArgument]) throws(JMESPathError) -> JSONValue
    ) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.returns = returns
        self.summary = summary
        self.body = body
    }

    /// The signature as the JMESPath specification writes it, for example `number abs(number)`.
    public var signature: String {
        var parts = parameters.map { parameter in
            parameter.types.map(\.description).joined(separator: "|") + (parameter.optional ? "?" : "")
        }
        if variadic, !parts.isEmpty { parts[parts.count - 1] += "..." }
        return "\(returns) \(name)(\(parts.joined(separator: ", ")))"
    }
}

/// The functions an evaluation can call, by name. Callers extend a copy of ``standard`` with their own
/// functions; registering a name that exists replaces it (Kyverno replaces `sum` this way).
public struct JMESPathFunctionRegistry: Sendable {
    private var functionsByName: [String: JMESPathFunction]

    public init(_ functions: [JMESPathFunction] = []) {
        functionsByName = [:]
        for function in functions { functionsByName[function.name] = function }
    }

    public mutating func register(_ function: JMESPathFunction) {
        functionsByName[function.name] = function
    }

    public mutating func register(contentsOf functions: [JMESPathFunction]) {
        for function in functions { register(function) }
    }

    public func function(named name: String) -> JMESPathFunction? {
        functionsByName[name]
    }

    /// Every registered function, sorted by name.
    public var functions: [JMESPathFunction] {
        functionsByName.values.sorted { $0.name < $1.name }
    }
}
