import JSONValue

/// Splits an expression into tokens, following the lexical grammar of the JMESPath specification and the
/// reference implementation's handling of literals:
///
/// - `"..."` quoted identifiers use JSON string escapes;
/// - `'...'` raw strings keep every character except that `\'` stands for `'`;
/// - `` `...` `` JSON literals, where `` \` `` stands for a backtick; text that is not valid JSON is
///   read as a JSON string (the legacy form, `` `foo` `` meaning `"foo"`), as the compliance suite expects.
struct JMESPathLexer {
    private let scalars: [Unicode.Scalar]
    private let expression: String
    private var position = 0

    init(_ expression: String) {
        self.expression = expression
        self.scalars = Array(expression.unicodeScalars)
    }

    /// All tokens, ending with `.end`.
    /// - Throws: ``JMESPathError`` of kind `syntax` for an unknown character or an unterminated or
    ///   invalid literal.
    mutating func tokenize() throws(JMESPathError) -> [JMESPathToken] {
        var tokens: [JMESPathToken] = []
        tokens.reserveCapacity(scalars.count / 2 + 1)
        while true {
            skipWhitespace()
            guard position < scalars.count else {
                tokens.append(JMESPathToken(kind: .end, offset: position))
                return tokens
            }
            let start = position
            let kind = try nextKind()
            tokens.append(JMESPathToken(kind: kind, offset: start))
        }
    }

    private mutating func skipWhitespace() {
        while position < scalars.count {
            switch scalars[position] {
            case " ", "\t", "\n", "\r": position += 1
            default: return
            }
        }
    }

    private func peek(_ distance: Int = 1) -> Unicode.Scalar? {
        let index = position + distance
        return index < scalars.count ? scalars[index] : nil
    }

    private func error(_ message: String, at offset: Int) -> JMESPathError {
        JMESPathError(.syntax, message, expression: expression, offset: offset)
    }

    // swift-format-ignore: CyclomaticComplexity
    private mutating func nextKind() throws(JMESPathError) -> JMESPathToken.Kind {
        let scalar = scalars[position]
        switch scalar {
        case "a"..."z", "A"..."Z", "_":
            return .unquotedIdentifier(consumeIdentifier())
        case "0"..."9":
            return .number(consumeNumber())
        case "-":
            guard let next = peek(), ("0"..."9").contains(next) else {
                throw error("'-' must be followed by a digit", at: position)
            }
            return .number(consumeNumber())
        case "\"":
            return .quotedIdentifier(try consumeQuotedIdentifier())
        case "'":
            return .literal(.string(try consumeRawString()))
        case "`":
            return .literal(try consumeJSONLiteral())
        case ".": return single(.dot)
        case "*": return single(.star)
        case "]": return single(.rightBracket)
        case "{": return single(.leftBrace)
        case "}": return single(.rightBrace)
        case "(": return single(.leftParenthesis)
        case ")": return single(.rightParenthesis)
        case ",": return single(.comma)
        case ":": return single(.colon)
        case "@": return single(.current)
        case "[":
            switch peek() {
            case "]"?: return double(.flatten)
            case "?"?: return double(.filter)
            default: return single(.leftBracket)
            }
        case "|": return peek() == "|" ? double(.or) : single(.pipe)
        case "&": return peek() == "&" ? double(.and) : single(.expressionReference)
        case "!": return peek() == "=" ? double(.comparator(.notEqual)) : single(.not)
        case "<": return peek() == "=" ? double(.comparator(.lessThanOrEqual)) : single(.comparator(.lessThan))
        case ">":
            return peek() == "=" ? double(.comparator(.greaterThanOrEqual)) : single(.comparator(.greaterThan))
        case "=":
            guard peek() == "=" else { throw error("'=' is not an operator; did you mean '=='?", at: position) }
            return double(.comparator(.equal))
        default:
            throw error("unexpected character '\(scalar.escaped(asASCII: false))'", at: position)
        }
    }

    private mutating func single(_ kind: JMESPathToken.Kind) -> JMESPathToken.Kind {
        position += 1
        return kind
    }

    private mutating func double(_ kind: JMESPathToken.Kind) -> JMESPathToken.Kind {
        position += 2
        return kind
    }

    private mutating func consumeIdentifier() -> String {
        let start = position
        while position < scalars.count {
            switch scalars[position] {
            case "a"..."z", "A"..."Z", "_", "0"..."9": position += 1
            default: return text(start..<position)
            }
        }
        return text(start..<position)
    }

    /// An integer; values beyond the 64-bit range saturate (an index or slice bound that large behaves
    /// the same as the largest one).
    private mutating func consumeNumber() -> Int {
        var negative = false
        if scalars[position] == "-" {
            negative = true
            position += 1
        }
        var magnitude = 0
        var saturated = false
        while position < scalars.count, let digit = scalars[position].asciiDigit {
            position += 1
            if saturated { continue }
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 {
                saturated = true
            } else {
                magnitude = added
            }
        }
        if saturated { return negative ? Int.min : Int.max }
        return negative ? -magnitude : magnitude
    }

    /// Consumes from an opening delimiter to the matching unescaped closing one; returns the text between.
    private mutating func consumeDelimited(_ delimiter: Unicode.Scalar, what: String) throws(JMESPathError) -> String {
        let start = position
        position += 1
        var result = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == delimiter {
                position += 1
                return String(result)
            }
            if scalar == "\\", position + 1 < scalars.count {
                result.append(scalar)
                result.append(scalars[position + 1])
                position += 2
                continue
            }
            result.append(scalar)
            position += 1
        }
        throw error("unterminated \(what)", at: start)
    }

    private mutating func consumeQuotedIdentifier() throws(JMESPathError) -> String {
        let start = position
        let body = try consumeDelimited("\"", what: "quoted identifier")
        let value: JSONValue
        do {
            value = try JSONValue.parse("\"" + body + "\"")
        } catch {
            throw self.error("invalid quoted identifier: \(error.message)", at: start)
        }
        guard case .string(let name) = value else { throw error("invalid quoted identifier", at: start) }
        return name
    }

    private mutating func consumeRawString() throws(JMESPathError) -> String {
        let body = try consumeDelimited("'", what: "raw string literal")
        guard body.contains("\\'") else { return body }
        return body.replacing("\\'", with: "'")
    }

    private mutating func consumeJSONLiteral() throws(JMESPathError) -> JSONValue {
        let start = position
        var body = try consumeDelimited("`", what: "JSON literal")
        if body.contains("\\`") { body = body.replacing("\\`", with: "`") }
        let failure: JSONParseError
        do {
            return try JSONValue.parse(body)
        } catch {
            failure = error
        }
        // The legacy form: unquoted text stands for a JSON string (the reference implementation accepts it
        // with a deprecation warning and the compliance suite relies on it).
        let trimmed = body.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        do {
            return try JSONValue.parse("\"" + trimmed + "\"")
        } catch {
            throw self.error("invalid JSON literal: \(failure.message)", at: start)
        }
    }

    private func text(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }
}

extension Unicode.Scalar {
    fileprivate var asciiDigit: Int? {
        value >= 48 && value <= 57 ? Int(value - 48) : nil
    }
}
