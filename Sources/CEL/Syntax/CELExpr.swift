/// A parsed CEL expression. Macros are already expanded: `has(a.b)` is a test-only select and `all`,
/// `exists`, `exists_one`, `map` and `filter` are ``Kind/comprehension(_:)`` nodes, exactly as cel-go
/// expands them, so the compiler only knows these node kinds.
public struct CELExpr: Sendable {
    /// The UTF-8 offset of the node in the source, for error messages.
    public var offset: Int
    public var kind: Kind

    public init(offset: Int, kind: Kind) {
        self.offset = offset
        self.kind = kind
    }

    public indirect enum Kind: Sendable {
        case literal(CELValue)
        /// An identifier; a leading dot (root scope) is dropped.
        case ident(String)
        /// `operand.field`; `testOnly` for `has(operand.field)`; `optional` for `operand.?field`.
        case select(operand: CELExpr, field: String, testOnly: Bool, optional: Bool)
        /// A global call `f(args)` or a receiver call `target.f(args)`. Operators are calls too, named as
        /// cel-go names them: `_+_`, `_==_`, `!_`, `-_`, `_[_]`, `_[?_]`, `_?_:_`, `_&&_`, `_||_`, `@in`.
        case call(function: String, target: CELExpr?, arguments: [CELExpr])
        /// `[a, ?b]`: the indices in `optionalIndices` are optional elements.
        case list(elements: [CELExpr], optionalIndices: [Int])
        case map(entries: [MapEntry])
        case comprehension(Comprehension)
    }

    public struct MapEntry: Sendable {
        public var key: CELExpr
        public var value: CELExpr
        /// `{?key: value}`: the entry is present only when the optional value is.
        public var optional: Bool
    }

    /// The loop every macro expands to (cel-spec's `Comprehension`).
    public struct Comprehension: Sendable {
        public var iterationVariable: String
        /// The second variable of a two-variable comprehension (index/key first, value second).
        public var iterationVariable2: String?
        public var range: CELExpr
        public var accumulator: String
        public var initial: CELExpr
        public var condition: CELExpr
        public var step: CELExpr
        public var result: CELExpr
    }
}

extension CELExpr {
    /// The qualified name of a chain of identifiers and selects (`a.b.c`), nil otherwise.
    var qualifiedName: String? {
        switch kind {
        case .ident(let name): return name
        case .select(let operand, let field, false, false):
            return operand.qualifiedName.map { $0 + "." + field }
        default: return nil
        }
    }
}
