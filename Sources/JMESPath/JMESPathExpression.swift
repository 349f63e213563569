// The JMESPath module is written by hand rather than taken from a library because Vigil needs what no Swift
// JMESPath package offers together: evaluation directly over `JSONValue` (no conversion of every Kubernetes
// object), the semantics of Kyverno's go-jmespath fork (missing-key errors, a registry whose functions
// replace built-ins), typed errors carrying the compliance suite's classes, and hard limits (nesting depth,
// built-value size) so that no policy or object can crash or stall the reporter.

public import JSONValue

/// A compiled JMESPath expression: compile once, evaluate many times, from any number of threads.
///
/// ```swift
/// let expression = try JMESPathExpression("spec.containers[?securityContext.privileged].name")
/// let names = try expression.search(pod)
/// ```
public struct JMESPathExpression: Sendable, CustomStringConvertible {
    /// The deepest nesting the parser accepts by default. Every nested sub-expression and every operator in
    /// a chain counts one level; real policies stay far below it.
    public static let defaultMaximumDepth = 256

    /// The longest expression text accepted, in Unicode scalars.
    public static let maximumLength = 65_536

    /// The expression text as written.
    public let text: String
    /// The syntax tree.
    public let ast: JMESPathNode
    /// Whether the tree has ``JMESPathNode/sizeChecked(_:)`` nodes, which need a budget.
    private let checksSizes: Bool

    /// Compiles an expression.
    /// - Parameter maximumDepth: the deepest nesting accepted (see ``defaultMaximumDepth``).
    /// - Throws: ``JMESPathError`` of kind `syntax` (with the offset of the problem, shown with a caret by
    ///   its description), or `limit-exceeded` for an expression that is too long or nests too deeply.
    public init(_ text: String, maximumDepth: Int = JMESPathExpression.defaultMaximumDepth) throws(JMESPathError) {
        if text.unicodeScalars.count > Self.maximumLength {
            throw JMESPathError(
                .limitExceeded, "the expression is longer than \(Self.maximumLength) characters")
        }
        var lexer = JMESPathLexer(text)
        let tokens = try lexer.tokenize()
        var parser = JMESPathParser(tokens: tokens, expression: text, maximumDepth: maximumDepth)
        let tree = try parser.parse()
        self.text = text
        self.ast = tree.insertingSizeChecks(inputIsDocument: true)
        self.checksSizes = ast.containsSizeChecks
    }

    /// Evaluates the expression against a document with standard JMESPath semantics.
    /// - Parameter functions: the functions the expression may call.
    /// - Throws: ``JMESPathError``: `invalid-type`, `invalid-arity`, `invalid-value` or `unknown-function`
    ///   from function calls and slices, `limit-exceeded` when the result would be too large.
    public func search(
        _ value: JSONValue, functions: JMESPathFunctionRegistry = .standard
    ) throws(JMESPathError) -> JSONValue {
        try search(value, functions: functions, options: .standard)
    }

    /// Evaluates the expression against a document with the given options (for example Kyverno's
    /// missing-key errors).
    /// - Throws: as ``search(_:functions:)``, plus `not-found` for a missing key when
    ///   `options.missingKeys` is `.error`.
    public func search(
        _ value: JSONValue, functions: JMESPathFunctionRegistry = .standard, options: JMESPathOptions
    ) throws(JMESPathError) -> JSONValue {
        let interpreter = JMESPathInterpreter(
            functions: functions,
            strictKeys: options.missingKeys == .error,
            budget: checksSizes ? JMESPathBudget(options.maximumBuiltNodes) : nil
        )
        do {
            return try interpreter.evaluate(ast, value)
        } catch {
            var error = error
            if error.expression == nil { error.expression = text }
            throw error
        }
    }

    public var description: String { text }
}
