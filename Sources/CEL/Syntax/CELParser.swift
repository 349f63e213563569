/// Parses CEL source into a ``CELExpr`` (the grammar of cel-spec's langdef), expanding macros.
///
/// Hostile input ends in a ``CELCompileError``, never a crash: sources over ``maximumSourceSize`` bytes
/// and expressions nested deeper than ``maximumDepth`` are refused.
public struct CELParser {
    /// The largest source accepted, in UTF-8 bytes.
    public static let maximumSourceSize = 100_000
    /// The deepest nesting accepted (cel-go's default recursion limit).
    public static let maximumDepth = 250

    static let reservedWords: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    ]

    let source: String
    var tokens: [(token: CELToken, offset: Int)] = []
    var position = 0
    var depth = 0
    /// Counter for the hidden accumulator names of nested macros.
    var macroCount = 0

    /// Parses a whole expression.
    /// - Throws: ``CELCompileError`` with the position of the first problem.
    public static func parse(_ source: String) throws(CELCompileError) -> CELExpr {
        var parser = CELParser(source: source)
        return try parser.parseAll()
    }

    init(source: String) { self.source = source }

    mutating func parseAll() throws(CELCompileError) -> CELExpr {
        guard source.utf8.count <= Self.maximumSourceSize else {
            throw error("expression code point size exceeds limit: size: \(source.utf8.count)", at: 0)
        }
        var lexer = CELLexer(source)
        while true {
            do {
                let (token, offset) = try lexer.next()
                tokens.append((token, offset))
                if token == .end { break }
            } catch {
                throw self.error(error.message, at: error.offset)
            }
        }
        let expr = try expression()
        guard current == .end else { throw error("extraneous input '\(current.text)'", at: offset) }
        return expr
    }

    var current: CELToken { tokens[position].token }
    var offset: Int { tokens[position].offset }

    mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    func isSymbol(_ symbol: String) -> Bool { current == .symbol(symbol) }

    mutating func accept(_ symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func expect(_ symbol: String) throws(CELCompileError) {
        guard accept(symbol) else {
            throw error("mismatched input '\(current.text)' expecting '\(symbol)'", at: offset)
        }
    }

    func error(_ message: String, at offset: Int) -> CELCompileError {
        CELCompileError(message: message, offset: offset, in: source)
    }

    mutating func enter() throws(CELCompileError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("expression recursion limit exceeded: \(Self.maximumDepth)", at: offset)
        }
    }

    func call(_ function: String, _ arguments: [CELExpr], at offset: Int, target: CELExpr? = nil) -> CELExpr {
        CELExpr(offset: offset, kind: .call(function: function, target: target, arguments: arguments))
    }

    // MARK: Grammar

    mutating func expression() throws(CELCompileError) -> CELExpr {
        try enter()
        defer { depth -= 1 }
        let condition = try binary(level: 0)
        guard isSymbol("?") else { return condition }
        let at = offset
        advance()
        let whenTrue = try binary(level: 0)
        try expect(":")
        let whenFalse = try expression()
        return call("_?_:_", [condition, whenTrue, whenFalse], at: at)
    }

    static let levels: [[String: String]] = [
        ["||": "_||_"],
        ["&&": "_&&_"],
        ["<": "_<_", "<=": "_<=_", ">": "_>_", ">=": "_>=_", "==": "_==_", "!=": "_!=_", "in": "@in"],
        ["+": "_+_", "-": "_-_"],
        ["*": "_*_", "/": "_/_", "%": "_%_"],
    ]

    mutating func binary(level: Int) throws(CELCompileError) -> CELExpr {
        guard level < Self.levels.count else { return try unary() }
        var left = try binary(level: level + 1)
        var operands = 0
        while case .symbol(let symbol) = current, let function = Self.levels[level][symbol] {
            let at = offset
            advance()
            operands += 1
            if operands > Self.maximumDepth {
                throw error("expression recursion limit exceeded: \(Self.maximumDepth)", at: at)
            }
            let right = try binary(level: level + 1)
            left = call(function, [left, right], at: at)
        }
        return left
    }

    mutating func unary() throws(CELCompileError) -> CELExpr {
        try enter()
        defer { depth -= 1 }
        let at = offset
        if isSymbol("!") || isSymbol("-") {
            let symbol = current
            var count = 0
            while current == symbol {
                count += 1
                advance()
            }
            if symbol == .symbol("-"), case .int(let magnitude, let text) = current, count % 2 == 1 {
                // A negative int literal, so that -9223372036854775808 is representable.
                advance()
                guard magnitude <= UInt64(Int64.max) + 1 else {
                    throw error("invalid int literal: -\(text)", at: at)
                }
                let literal = CELExpr(offset: at, kind: .literal(.int(Int64(truncatingIfNeeded: 0 &- magnitude))))
                return try member(literal)
            }
            if symbol == .symbol("-"), case .double(let magnitude) = current, count % 2 == 1 {
                // A negative double literal, as cel-go's grammar reads it.
                advance()
                return try member(CELExpr(offset: at, kind: .literal(.double(-magnitude))))
            }
            let operand = try member(try primary())
            if count % 2 == 0 { return operand }
            return call(symbol == .symbol("!") ? "!_" : "-_", [operand], at: at)
        }
        return try member(try primary())
    }
}
