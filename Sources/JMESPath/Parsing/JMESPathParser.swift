import JSONValue

/// A top-down operator precedence (Pratt) parser for the JMESPath grammar, with the binding powers and
/// projection rules of the reference implementation.
///
/// Recursion and the height of the tree are bounded by `maximumDepth`: every nested call and every
/// operator folded into a left-leaning chain counts one level, so no expression can build a tree that
/// overflows the stack when it is evaluated or released.
struct JMESPathParser {
    /// Tokens with a binding power below this end a projection's right-hand side.
    private static let projectionStop = 10

    private let tokens: [JMESPathToken]
    private let expression: String
    private let maximumDepth: Int
    private var index = 0

    init(tokens: [JMESPathToken], expression: String, maximumDepth: Int) {
        self.tokens = tokens
        self.expression = expression
        self.maximumDepth = maximumDepth
    }

    /// Parses the whole token stream.
    /// - Throws: ``JMESPathError`` of kind `syntax`, or `limit-exceeded` when the nesting is too deep.
    mutating func parse() throws(JMESPathError) -> JMESPathNode {
        let node = try parseExpression(0, depth: 0)
        guard case .end = current.kind else {
            throw unexpected(current, "expected the end of the expression")
        }
        return node
    }

    // MARK: - Tokens

    private var current: JMESPathToken { tokens[index] }

    private func lookahead(_ distance: Int) -> JMESPathToken {
        tokens[max(0, min(index + distance, tokens.count - 1))]
    }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private mutating func expect(_ kind: JMESPathToken.Kind, _ what: String) throws(JMESPathError) {
        guard current.kind == kind else { throw unexpected(current, "expected \(what)") }
        advance()
    }

    private func unexpected(_ token: JMESPathToken, _ expectation: String) -> JMESPathError {
        let found = token.kind == .end ? "unexpected end of expression" : "unexpected \(token.display)"
        return JMESPathError(.syntax, "\(found), \(expectation)", expression: expression, offset: token.offset)
    }

    private func checkDepth(_ depth: Int) throws(JMESPathError) {
        if depth > maximumDepth {
            throw JMESPathError(
                .limitExceeded, "the expression nests deeper than the limit of \(maximumDepth)",
                expression: expression, offset: current.offset)
        }
    }

    // MARK: - Pratt loop

    private mutating func parseExpression(_ bindingPower: Int, depth: Int) throws(JMESPathError) -> JMESPathNode {
        try checkDepth(depth)
        let token = current
        advance()
        var left = try nud(token, depth: depth + 1)
        var level = depth + 1
        while bindingPower < current.bindingPower {
            level += 1
            try checkDepth(level)
            let token = current
            advance()
            left = try led(token, left: left, depth: level)
        }
        return left
    }

    // swift-format-ignore: CyclomaticComplexity
    private mutating func nud(_ token: JMESPathToken, depth: Int) throws(JMESPathError) -> JMESPathNode {
        switch token.kind {
        case .literal(let value):
            return .literal(value)
        case .unquotedIdentifier(let name):
            return .field(name)
        case .quotedIdentifier(let name):
            if current.kind == .leftParenthesis {
                throw unexpected(current, "a quoted identifier cannot name a function")
            }
            return .field(name)
        case .star:
            if current.kind == .rightBracket {
                return .valueProjection(left: .current, right: .current)
            }
            let right = try parseProjectionRight(token.bindingPower, depth: depth)
            return .valueProjection(left: .current, right: right)
        case .filter:
            return try parseFilter(left: .current, depth: depth)
        case .leftBrace:
            return try parseMultiSelectHash(depth: depth)
        case .leftParenthesis:
            let inner = try parseExpression(0, depth: depth)
            try expect(.rightParenthesis, "')'")
            return inner
        case .flatten:
            let right = try parseProjectionRight(token.bindingPower, depth: depth)
            return .projection(left: .flatten(.current), right: right)
        case .not:
            return .not(try parseExpression(token.bindingPower, depth: depth))
        case .leftBracket:
            switch current.kind {
            case .number, .colon:
                let right = try parseIndex()
                return try projectIfSlice(left: .current, right: right, depth: depth)
            case .star where lookahead(1).kind == .rightBracket:
                advance()
                advance()
                let right = try parseProjectionRight(20, depth: depth)
                return .projection(left: .current, right: right)
            default:
                return try parseMultiSelectList(depth: depth)
            }
        case .current:
            return .current
        case .expressionReference:
            return .expressionReference(try parseExpression(0, depth: depth))
        case .end:
            throw unexpected(token, "expected an expression")
        default:
            throw unexpected(token, "expected an expression")
        }
    }

    private mutating func led(
        _ token: JMESPathToken, left: JMESPathNode, depth: Int
    ) throws(JMESPathError) -> JMESPathNode {
        switch token.kind {
        case .dot:
            if current.kind == .star {
                advance()
                let right = try parseProjectionRight(token.bindingPower, depth: depth)
                return .valueProjection(left: left, right: right)
            }
            let right = try parseDotRight(token.bindingPower, depth: depth)
            return chain(left, right)
        case .pipe:
            return .pipe(left, try parseExpression(token.bindingPower, depth: depth))
        case .or:
            return .or(left, try parseExpression(token.bindingPower, depth: depth))
        case .and:
            return .and(left, try parseExpression(token.bindingPower, depth: depth))
        case .comparator(let comparator):
            return .comparison(comparator, left, try parseExpression(token.bindingPower, depth: depth))
        case .leftParenthesis:
            guard case .field(let name) = left, case .unquotedIdentifier = lookahead(-2).kind else {
                throw unexpected(token, "only a plain identifier can name a function")
            }
            return .function(name: name, arguments: try parseArguments(depth: depth))
        case .filter:
            return try parseFilter(left: left, depth: depth)
        case .flatten:
            let right = try parseProjectionRight(token.bindingPower, depth: depth)
            return .projection(left: .flatten(left), right: right)
        case .leftBracket:
            switch current.kind {
            case .number, .colon:
                let right = try parseIndex()
                return try projectIfSlice(left: left, right: right, depth: depth)
            default:
                try expect(.star, "a number, ':' or '*'")
                try expect(.rightBracket, "']'")
                let right = try parseProjectionRight(20, depth: depth)
                return .projection(left: left, right: right)
            }
        default:
            throw unexpected(token, "expected an operator")
        }
    }

    // MARK: - Pieces

    /// Appends `right` to a chain of subexpressions, flattening `a.b.c` into one node.
    private func chain(_ left: JMESPathNode, _ right: JMESPathNode) -> JMESPathNode {
        if case .subexpression(var parts) = left {
            parts.append(right)
            return .subexpression(parts)
        }
        return .subexpression([left, right])
    }

    private mutating func projectIfSlice(
        left: JMESPathNode, right: JMESPathNode, depth: Int
    ) throws(JMESPathError) -> JMESPathNode {
        guard case .slice = right else { return chain(left, right) }
        let projected = try parseProjectionRight(20, depth: depth)
        return .projection(left: chain(left, right), right: projected)
    }

    /// After `[`: an index `n]` or a slice `start:stop:step]`.
    private mutating func parseIndex() throws(JMESPathError) -> JMESPathNode {
        if case .number(let number) = current.kind, lookahead(1).kind != .colon {
            advance()
            try expect(.rightBracket, "']'")
            return .index(number)
        }
        var parts: [Int?] = [nil, nil, nil]
        var part = 0
        while current.kind != .rightBracket {
            switch current.kind {
            case .colon:
                part += 1
                if part == 3 { throw unexpected(current, "a slice has at most three parts") }
                advance()
            case .number(let number):
                if parts[part] != nil { throw unexpected(current, "expected ':' or ']'") }
                parts[part] = number
                advance()
            default:
                throw unexpected(current, "expected a number, ':' or ']'")
            }
        }
        advance()
        return .slice(JMESPathSlice(start: parts[0], stop: parts[1], step: parts[2]))
    }

    private mutating func parseProjectionRight(_ bindingPower: Int, depth: Int) throws(JMESPathError) -> JMESPathNode {
        if current.bindingPower < Self.projectionStop { return .current }
        switch current.kind {
        case .leftBracket, .filter:
            return try parseExpression(bindingPower, depth: depth)
        case .dot:
            advance()
            return try parseDotRight(bindingPower, depth: depth)
        default:
            throw unexpected(current, "expected '.', '[' or '[?' after a projection")
        }
    }

    private mutating func parseDotRight(_ bindingPower: Int, depth: Int) throws(JMESPathError) -> JMESPathNode {
        switch current.kind {
        case .unquotedIdentifier, .quotedIdentifier, .star:
            return try parseExpression(bindingPower, depth: depth)
        case .leftBracket:
            advance()
            return try parseMultiSelectList(depth: depth)
        case .leftBrace:
            advance()
            return try parseMultiSelectHash(depth: depth)
        default:
            throw unexpected(current, "expected an identifier, '*', '[' or '{' after '.'")
        }
    }

    private mutating func parseFilter(left: JMESPathNode, depth: Int) throws(JMESPathError) -> JMESPathNode {
        let condition = try parseExpression(0, depth: depth)
        try expect(.rightBracket, "']'")
        let right: JMESPathNode =
            current.kind == .flatten ? .current : try parseProjectionRight(21, depth: depth)
        return .filterProjection(left: left, condition: condition, right: right)
    }

    /// After `[` in operand position: `expression (, expression)* ]`.
    private mutating func parseMultiSelectList(depth: Int) throws(JMESPathError) -> JMESPathNode {
        var elements: [JMESPathNode] = []
        while true {
            elements.append(try parseExpression(0, depth: depth))
            if current.kind == .rightBracket { break }
            try expect(.comma, "',' or ']'")
        }
        advance()
        return .multiSelectList(elements)
    }

    /// After `{`: `key: expression (, key: expression)* }`.
    private mutating func parseMultiSelectHash(depth: Int) throws(JMESPathError) -> JMESPathNode {
        var entries: [JMESPathKeyValue] = []
        while true {
            let key: String
            switch current.kind {
            case .unquotedIdentifier(let name), .quotedIdentifier(let name): key = name
            default: throw unexpected(current, "expected a key")
            }
            advance()
            try expect(.colon, "':'")
            entries.append(JMESPathKeyValue(key: key, value: try parseExpression(0, depth: depth)))
            if current.kind == .rightBrace {
                advance()
                return .multiSelectHash(entries)
            }
            try expect(.comma, "',' or '}'")
        }
    }

    /// After `name(`: arguments separated by commas, then `)`.
    private mutating func parseArguments(depth: Int) throws(JMESPathError) -> [JMESPathNode] {
        var arguments: [JMESPathNode] = []
        if current.kind == .rightParenthesis {
            advance()
            return arguments
        }
        while true {
            arguments.append(try parseExpression(0, depth: depth))
            if current.kind == .rightParenthesis {
                advance()
                return arguments
            }
            try expect(.comma, "',' or ')'")
        }
    }
}
