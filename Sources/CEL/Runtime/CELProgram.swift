/// The per-evaluation variable slots: declared variables first, then comprehension variables.
final class CELFrame {
    var slots: [CELValue]
    /// Comprehension iterations left before evaluation stops with ``CELError/costLimitExceeded``.
    var budget: Int

    init(slots: [CELValue], budget: Int) {
        self.slots = slots
        self.budget = budget
    }
}

/// A compiled node: evaluates against a frame. Errors are returned as ``CELValue/error(_:)``.
typealias CELEval = @Sendable (CELFrame) -> CELValue

/// A compiled CEL expression: `Sendable`, compiled once by ``CELEnvironment/compile(_:)`` and evaluated
/// any number of times, concurrently, against different variables.
public struct CELProgram: Sendable {
    /// The source it was compiled from.
    public let source: String
    /// The declared variables, in slot order (see ``evaluate(slots:)``).
    public let variables: [String]
    let root: CELEval
    let slotCount: Int
    /// The runtime cost limit (see ``CELEnvironment/costLimit``).
    public let costLimit: Int

    /// Evaluates with variables by name; an undeclared name is ignored, a declared one left out is null.
    public func evaluate(_ variables: [String: CELValue] = [:]) -> CELValue {
        var slots = [CELValue](repeating: .null, count: slotCount)
        for (index, name) in self.variables.enumerated() {
            if let value = variables[name] { slots[index] = value }
        }
        return root(CELFrame(slots: slots, budget: costLimit))
    }

    /// Evaluates with the variables' values in declaration order (the fast path for many evaluations).
    public func evaluate(slots values: [CELValue]) -> CELValue {
        var slots = values
        if slots.count < slotCount {
            slots.append(contentsOf: repeatElement(.null, count: slotCount - slots.count))
        }
        return root(CELFrame(slots: slots, budget: costLimit))
    }
}

/// The declarations programs compile against: variable names and function libraries.
public struct CELEnvironment: Sendable {
    /// Declared variables; each gets a slot in this order.
    public private(set) var variables: [String]
    /// The functions calls resolve to.
    public var functions: CELFunctionRegistry
    /// The runtime cost guard, like Kubernetes' per-expression cost limit: the most comprehension iterations
    /// (`all`, `exists`, `map`, `filter`, ... summed over all loops, nested ones included) one evaluation may
    /// run before it stops with an error instead of stalling. Default 1,000,000.
    public var costLimit = 1_000_000
    /// When true, an undeclared identifier or unknown function compiles to an evaluation error instead of
    /// failing compilation (cel-go's unchecked evaluation, the conformance suite's `disableCheck`).
    public var defersUndeclaredReferences = false
    /// When true, list and map literals whose elements (or keys, or values) have different static types
    /// fail to compile, as in Kubernetes' environment (`cel.HomogeneousAggregateLiterals`): `[1, 'a']`,
    /// `[object.name, 'x']` (`dyn` and `string`). ``kubernetes(variables:)`` and ``kyverno(variables:)`` set
    /// it; the conformance suite runs without it.
    public var homogeneousAggregateLiterals = false

    /// An environment with the standard library and `libraries` on top.
    public init(variables: [String] = [], libraries: [any CELLibrary] = []) {
        self.variables = variables
        functions = CELFunctionRegistry()
        CELStandardLibrary().register(into: &functions)
        for library in libraries { library.register(into: &functions) }
    }

    /// Declares another variable.
    public mutating func declare(_ name: String) {
        if !variables.contains(name) { variables.append(name) }
    }

    /// Parses and compiles an expression.
    /// - Throws: ``CELCompileError`` for syntax errors, undeclared names and unknown functions.
    public func compile(_ source: String) throws(CELCompileError) -> CELProgram {
        let expr = try CELParser.parse(source)
        var compiler = CELCompiler(environment: self, source: source)
        let root = try compiler.compile(expr)
        return CELProgram(
            source: source, variables: variables, root: root, slotCount: compiler.slotCount, costLimit: costLimit)
    }
}
