import JSONValue

/// One token of a JMESPath expression, with the character offset where it starts (for error carets).
struct JMESPathToken: Sendable {
    enum Kind: Sendable, Equatable {
        case unquotedIdentifier(String)
        case quotedIdentifier(String)
        /// A backtick JSON literal or a raw string literal.
        case literal(JSONValue)
        case number(Int)
        case dot
        case star
        case flatten
        case filter
        case leftBracket
        case rightBracket
        case leftBrace
        case rightBrace
        case leftParenthesis
        case rightParenthesis
        case comma
        case colon
        case pipe
        case or
        case and
        case not
        case comparator(JMESPathComparator)
        case current
        case expressionReference
        case end
    }

    var kind: Kind
    /// The offset in Unicode scalars from the start of the expression.
    var offset: Int

    /// The binding power of the token when it appears after an expression (the Pratt parser's `lbp`).
    var bindingPower: Int {
        switch kind {
        case .pipe: 1
        case .or: 2
        case .and: 3
        case .comparator: 5
        case .flatten: 9
        case .star: 20
        case .filter: 21
        case .dot: 40
        case .not: 45
        case .leftBrace: 50
        case .leftBracket: 55
        case .leftParenthesis: 60
        default: 0
        }
    }

    /// How the token is shown in error messages.
    var display: String {
        switch kind {
        case .unquotedIdentifier(let name): "identifier '\(name)'"
        case .quotedIdentifier(let name): "quoted identifier \"\(name)\""
        case .literal: "literal"
        case .number(let number): "number \(number)"
        case .dot: "'.'"
        case .star: "'*'"
        case .flatten: "'[]'"
        case .filter: "'[?'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .leftParenthesis: "'('"
        case .rightParenthesis: "')'"
        case .comma: "','"
        case .colon: "':'"
        case .pipe: "'|'"
        case .or: "'||'"
        case .and: "'&&'"
        case .not: "'!'"
        case .comparator(let comparator): "'\(comparator.rawValue)'"
        case .current: "'@'"
        case .expressionReference: "'&'"
        case .end: "end of expression"
        }
    }
}
