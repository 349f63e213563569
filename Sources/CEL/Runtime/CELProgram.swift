/// The per-evaluation state: the declared variables (read in place from the caller's array), the slots of
/// comprehension variables and the cost spent so far (on the evaluating thread's stack, see ``CELProgram/run(_:)``).
/// Reading or writing one is a pointer access, without allocation, bounds, uniqueness or exclusivity checks.
struct CELFrame {
    /// The declared variables' values, in declaration order; never written.
    let variables: UnsafePointer<CELValue>
    /// The comprehension variables' slots (accumulators and iteration variables).
    let slots: UnsafeMutablePointer<CELValue>
    /// The cost spent so far, in Kubernetes' cost units (see ``CELCost``).
    let cost: UnsafeMutablePointer<Int>

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

    /// Adds to the cost spent.
    @inline(__always) func charge(_ amount: Int) {
        cost.pointee &+= amount
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
        evaluateWithCost(variables).value
    }

    /// Evaluates with the variables' values in declaration order (the fast path for many evaluations).
    public func evaluate(slots values: [CELValue]) -> CELValue {
        run(values).value
    }

    /// Evaluates with variables by name and reports the cost spent (see ``CELEvaluation``).
    public func evaluateWithCost(_ variables: [String: CELValue] = [:]) -> CELEvaluation {
        var slots = [CELValue](repeating: .null, count: self.variables.count)
        for (index, name) in self.variables.enumerated() {
            if let value = variables[name] { slots[index] = value }
        }
        return run(slots)
    }

    /// Evaluates with the variables' values in declaration order and reports the cost spent.
    public func evaluateWithCost(slots values: [CELValue]) -> CELEvaluation {
        run(values)
    }

    /// Evaluates the root with the comprehension slots on the stack (null) and the variables read in place
    /// (padded with nulls when fewer values than declared variables are given). The cost is checked against
    /// the limit at every comprehension iteration and at the end, so the result is the limit error exactly
    /// when the cost spent exceeds the limit (cost only grows, as in cel-go's tracker).
    private func run(_ values: [CELValue]) -> CELEvaluation {
        if values.count < variables.count {
            return run(values + repeatElement(.null, count: variables.count - values.count))
        }
        return values.withUnsafeBufferPointer { given in
            withUnsafeTemporaryAllocation(of: CELValue.self, capacity: max(slotCount, 1)) { buffer in
                guard let slots = buffer.baseAddress else { return CELEvaluation(value: .null, cost: 0) }
                // No variables declared: nothing reads `variables`, any valid address will do.
                let variables = given.baseAddress ?? UnsafePointer(slots)
                slots.initialize(repeating: .null, count: slotCount)
                defer { slots.deinitialize(count: slotCount) }
                var cost = 0
                let value = withUnsafeMutablePointer(to: &cost) { cost in
                    root(CELFrame(variables: variables, slots: slots, cost: cost))
                }
                if cost > costLimit { return CELEvaluation(value: .error(.costLimitExceeded), cost: cost) }
                return CELEvaluation(value: value, cost: cost)
            }
        }
    }
}

/// The outcome of one evaluation: the value and the cost spent, in Kubernetes' runtime cost units (cel-go's
/// `ActualCost` with Kubernetes' cost estimator; see ``CELCost``). When the cost exceeds the program's
/// ``CELProgram/costLimit`` the value is ``CELError/costLimitExceeded``, and the cost is what was spent up to
/// the point where evaluation stopped.
public struct CELEvaluation: Sendable {
    public let value: CELValue
    public let cost: Int
}

/// The declarations programs compile against: variable names and function libraries.
public struct CELEnvironment: Sendable {
    /// Declared variables; each gets a slot in this order.
    public private(set) var variables: [String]
    /// The functions calls resolve to.
    public var functions: CELFunctionRegistry
    /// The runtime cost guard, Kubernetes' per-call cost limit: the most cost (in Kubernetes' units, as cel-go's
    /// cost tracker counts them, see ``CELCost``) one evaluation may spend before it stops with
    /// ``CELError/costLimitExceeded`` instead of stalling. Default 1,000,000 (Kubernetes' `PerCallLimit`).
    public var costLimit = 1_000_000
    /// When true, an undeclared identifier or unknown function compiles to an evaluation error instead of
    /// failing compilation (cel-go's unchecked evaluation, the conformance suite's `disableCheck`).
    public var defersUndeclaredReferences = false
    /// When true, list and map literals whose elements (or keys, or values) have different static types
    /// fail to compile, as in Kubernetes' environment (`cel.HomogeneousAggregateLiterals`): `[1, 'a']`,
    /// `[object.name, 'x']` (`dyn` and `string`). ``kubernetes(variables:)`` and ``kyverno(variables:)`` set
    /// it; the conformance suite runs without it.
    public var homogeneousAggregateLiterals = false
    /// When true, calls whose argument types are known at compile time and match no overload fail to compile
    /// with cel-go's checker message (`1 + 'a'`: found no matching overload for '_+_' applied to
    /// '(int, string)'); `dyn` values (the declared variables and what is selected from them) match every
    /// overload. ``kubernetes(variables:)`` and ``kyverno(variables:)`` set it; the conformance suite runs
    /// without it.
    public var checksTypes = false

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
