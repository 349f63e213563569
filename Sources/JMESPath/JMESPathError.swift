/// An error from compiling or evaluating a JMESPath expression.
///
/// `kind` matches the error classes of the JMESPath compliance suite; ``description`` prints
/// `<kind>: <message>` and, for syntax errors, the expression with a caret under the failing position.
public struct JMESPathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error classes of the JMESPath specification and its compliance suite.
    public enum Kind: String, Sendable, Equatable {
        case syntax
        case invalidType = "invalid-type"
        case invalidValue = "invalid-value"
        case invalidArity = "invalid-arity"
        case unknownFunction = "unknown-function"
        /// Kyverno's engine: a path named an object key that does not exist (`Unknown key "x" in path`).
        case notFound = "not-found"
        /// A limit Vigil sets (nesting depth, slice size, output size) was exceeded.
        case limitExceeded = "limit-exceeded"
    }

    public var kind: Kind
    public var message: String
    /// The expression text, when known.
    public var expression: String?
    /// The 0-based character offset in ``expression`` where a syntax error was found.
    public var offset: Int?

    public init(_ kind: Kind, _ message: String, expression: String? = nil, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.expression = expression
        self.offset = offset
    }

    public var description: String {
        var text = "\(kind.rawValue): \(message)"
        if let expression, let offset {
            text += "\n  \(expression)\n  \(String(repeating: " ", count: max(0, offset)))^"
        }
        return text
    }
}
