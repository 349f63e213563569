/// The per-evaluation state: the declared variables (read in place from the caller's array), the slots of
/// comprehension variables and the cost budget (on the evaluating thread's stack, see ``CELProgram/run(_:)``).
/// Reading or writing one is a pointer access, without allocation, bounds, uniqueness or exclusivity checks.
struct CELFrame {
    /// The declared variables' values, in declaration order; never written.
    let variables: UnsafePointer<CELValue>
    /// The comprehension variables' slots (accumulators and iteration variables).
    let slots: UnsafeMutablePointer<CELValue>
    /// Comprehension iterations left before evaluation stops with ``CELError/costLimitExceeded``.
    let budget: UnsafeMutablePointer<Int>

    @inline(__always) subscript(slot: Int) -> CELValue {
        get { slots[slot] }
        nonmutating set { slots[slot] = newValue }
    }

    /// Moves a slot's value out, leaving null (so an accumulator can be extended in place).
    @inline(__always) func take(_ slot: Int) -> CELValue {
        let value = (slots + slot).move()
        (slots + slot).initialize(to: .null)
        return value
    }

    /// Spends one comprehension iteration; false when the budget is exhausted.
    @inline(__always) func spend() -> Bool {
        budget.pointee -= 1
        return budget.pointee >= 0
    }
}

/// A compiled node: evaluates against a frame. Errors are returned as ``CELValue/error(_:)``.
typealias CELEval = @Sendable (CELFrame) -> CELValue

/// A compiled node to keep in an array: an array of bare closures stores them at maximal abstraction, so
/// each call would go through reabstraction thunks; a struct field keeps the closure's own convention.
struct CELNode: Sendable {
    let eval: CELEval
}

/// A compiled CEL expression: `Sendable`, compiled once by ``CELEnvironment/compile(_:)`` and evaluated
/// any number of times, concurrently, against different variables.
public struct CELProgram: Sendable {
    /// The source it was compiled from.
    public let source: String
    /// The declared variables, in slot order (see ``evaluate(slots:)``).
    public let variables: [String]
    let root: CELEval
    /// How many comprehension variable slots an evaluation needs.
    let slotCount: Int
    /// The runtime cost limit (see ``CELEnvironment/costLimit``).
    public let costLimit: Int

    /// Evaluates with variables by name; an undeclared name is ignored, a declared one left out is null.
    public func evaluate(_ variables: [String: CELValue] = [:]) -> CELValue {
        var slots = [CELValue](repeating: .null, count: self.variables.count)
        for (index, name) in self.variables.enumerated() {
            if let value = variables[name] { slots[index] = value }
        }
        return run(slots)
    }

    /// Evaluates with the variables' values in declaration order (the fast path for many evaluations).
    public func evaluate(slots values: [CELValue]) -> CELValue {
        run(values)
    }

    /// Evaluates the root with the comprehension slots on the stack (null) and the variables read in place
    /// (padded with nulls when fewer values than declared variables are given).
    private func run(_ values: [CELValue]) -> CELValue {
        if values.count < variables.count {
            return run(values + repeatElement(.null, count: variables.count - values.count))
        }
        return values.withUnsafeBufferPointer { given in
            withUnsafeTemporaryAllocation(of: CELValue.self, capacity: max(slotCount, 1)) { buffer in
                guard let slots = buffer.baseAddress else { return .null }
                // No variables declared: nothing reads `variables`, any valid address will do.
                let variables = given.baseAddress ?? UnsafePointer(slots)
                slots.initialize(repeating: .null, count: slotCount)
                defer { slots.deinitialize(count: slotCount) }
                var budget = costLimit
                return withUnsafeMutablePointer(to: &budget) { budget in
                    root(CELFrame(variables: variables, slots: slots, budget: budget))
                }
            }
        }
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
