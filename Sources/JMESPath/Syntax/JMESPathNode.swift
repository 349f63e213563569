public import JSONValue

/// A comparison operator.
public enum JMESPathComparator: String, Sendable, Hashable {
    case equal = "=="
    case notEqual = "!="
    case lessThan = "<"
    case lessThanOrEqual = "<="
    case greaterThan = ">"
    case greaterThanOrEqual = ">="
}

/// The bounds of a slice, `[start:stop:step]`; `nil` where a bound is left out.
public struct JMESPathSlice: Sendable, Hashable {
    public var start: Int?
    public var stop: Int?
    public var step: Int?

    public init(start: Int?, stop: Int?, step: Int?) {
        self.start = start
        self.stop = stop
        self.step = step
    }
}

/// One `key: expression` entry of a multi-select hash.
public struct JMESPathKeyValue: Sendable {
    public var key: String
    public var value: JMESPathNode

    public init(key: String, value: JMESPathNode) {
        self.key = key
        self.value = value
    }
}

/// The abstract syntax tree of a compiled expression. Immutable and `Sendable`: one tree is evaluated by
/// any number of threads at once.
///
/// The shapes follow the JMESPath reference implementation: a projection has a left side that produces
/// the collection and a right side applied to each element; chains of `.` and `[index]` are one n-ary
/// ``subexpression(_:)`` that the interpreter walks in a loop.
public indirect enum JMESPathNode: Sendable {
    /// `@`, also the implicit input of projections and of leading brackets.
    case current
    /// An object key, quoted or not.
    case field(String)
    /// `a.b[0].c`: each part applied to the result of the previous one.
    case subexpression([JMESPathNode])
    /// `[n]`, negative counting from the end.
    case index(Int)
    /// `[start:stop:step]` (the parser wraps it in a projection).
    case slice(JMESPathSlice)
    /// A backtick JSON literal or a raw string literal.
    case literal(JSONValue)
    /// A list projection (`a[*]`, `a[]`, `a[1:]`): `right` applied to each element of the array `left`.
    case projection(left: JMESPathNode, right: JMESPathNode)
    /// An object projection (`a.*`): `right` applied to each value of the object `left`.
    case valueProjection(left: JMESPathNode, right: JMESPathNode)
    /// `left[?condition]`, then `right` on each kept element.
    case filterProjection(left: JMESPathNode, condition: JMESPathNode, right: JMESPathNode)
    /// Flattens the array `operand` one level (`a[]`, the left side of a projection).
    case flatten(JMESPathNode)
    /// `left | right`.
    case pipe(JMESPathNode, JMESPathNode)
    /// `left || right`.
    case or(JMESPathNode, JMESPathNode)
    /// `left && right`.
    case and(JMESPathNode, JMESPathNode)
    /// `!operand`.
    case not(JMESPathNode)
    /// `left <op> right`.
    case comparison(JMESPathComparator, JMESPathNode, JMESPathNode)
    /// `[a, b]`.
    case multiSelectList([JMESPathNode])
    /// `{a: x, b: y}`.
    case multiSelectHash([JMESPathKeyValue])
    /// `name(arguments...)`.
    case function(name: String, arguments: [JMESPathNode])
    /// `&expression`.
    case expressionReference(JMESPathNode)
    /// Not written by users: the compiler wraps the multi-selects and function calls whose result could
    /// repeat values that other multi-selects or functions built (`@ | [@, @] | [@, @]`), so that the
    /// interpreter counts the result against ``JMESPathOptions/maximumBuiltNodes``.
    case sizeChecked(JMESPathNode)
}
