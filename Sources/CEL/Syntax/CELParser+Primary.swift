extension CELParser {
    mutating func member(_ start: CELExpr) throws(CELCompileError) -> CELExpr {
        var expr = start
        var steps = 0
        while true {
            steps += 1
            if steps > Self.maximumDepth {
                throw error("expression recursion limit exceeded: \(Self.maximumDepth)", at: offset)
            }
            let at = offset
            if isSymbol(".") || isSymbol(".?") {
                let optional = isSymbol(".?")
                advance()
                let name: String
                switch current {
                case .identifier(let identifier): name = identifier
                case .quotedIdentifier(let identifier): name = identifier
                default: throw error("no viable alternative at input '.\(current.text)'", at: offset)
                }
                let quoted: Bool
                if case .quotedIdentifier = current { quoted = true } else { quoted = false }
                advance()
                if !optional, !quoted, isSymbol("(") {
                    advance()
                    let arguments = try expressionList(closing: ")")
                    expr = try receiverCall(name, target: expr, arguments: arguments, at: at)
                } else if optional {
                    let field = CELExpr(offset: at, kind: .literal(.string(name)))
                    expr = call("_?._", [expr, field], at: at)
                } else {
                    expr = CELExpr(
                        offset: at, kind: .select(operand: expr, field: name, testOnly: false, optional: false))
                }
            } else if isSymbol("[") || isSymbol("[?") {
                let optional = isSymbol("[?")
                advance()
                try enter()
                let index = try expression()
                depth -= 1
                try expect("]")
                expr = call(optional ? "_[?_]" : "_[_]", [expr, index], at: at)
            } else {
                return expr
            }
        }
    }

    mutating func expressionList(closing: String) throws(CELCompileError) -> [CELExpr] {
        var result: [CELExpr] = []
        if accept(closing) { return result }
        while true {
            result.append(try expression())
            if accept(closing) { return result }
            try expect(",")
        }
    }

    mutating func primary() throws(CELCompileError) -> CELExpr {
        let at = offset
        let token = current
        switch token {
        case .int(let magnitude, let text):
            advance()
            guard let value = Int64(exactly: magnitude) else { throw error("invalid int literal: \(text)", at: at) }
            return CELExpr(offset: at, kind: .literal(.int(value)))
        case .uint(let value):
            advance()
            return CELExpr(offset: at, kind: .literal(.uint(value)))
        case .double(let value):
            advance()
            return CELExpr(offset: at, kind: .literal(.double(value)))
        case .string(let value):
            advance()
            return CELExpr(offset: at, kind: .literal(.string(value)))
        case .bytes(let value):
            advance()
            return CELExpr(offset: at, kind: .literal(.bytes(value)))
        case .identifier(let name):
            advance()
            return try identifier(name, at: at)
        case .symbol("."):
            advance()
            guard case .identifier(let name) = current else {
                throw error("no viable alternative at input '.\(current.text)'", at: offset)
            }
            advance()
            return try identifier(name, at: at, rooted: true)
        case .symbol("("):
            advance()
            let inner = try expression()
            try expect(")")
            return inner
        case .symbol("["), .symbol("[?"):
            // The lexer reads `[?` as one token (for `a[?i]`); in a literal it opens an optional first element.
            var firstIsOptional = isSymbol("[?")
            advance()
            try enter()
            defer { depth -= 1 }
            var elements: [CELExpr] = []
            var optionalIndices: [Int] = []
            while firstIsOptional || !accept("]") {
                if firstIsOptional || accept("?") { optionalIndices.append(elements.count) }
                firstIsOptional = false
                elements.append(try expression())
                if accept("]") { break }
                try expect(",")
            }
            return CELExpr(offset: at, kind: .list(elements: elements, optionalIndices: optionalIndices))
        case .symbol("{"):
            advance()
            try enter()
            defer { depth -= 1 }
            var entries: [CELExpr.MapEntry] = []
            while !accept("}") {
                let optional = accept("?")
                let key = try expression()
                try expect(":")
                let value = try expression()
                entries.append(CELExpr.MapEntry(key: key, value: value, optional: optional))
                if accept("}") { break }
                try expect(",")
            }
            return CELExpr(offset: at, kind: .map(entries: entries))
        case .end:
            throw error("mismatched input '<EOF>' expecting an expression", at: at)
        default:
            throw error("mismatched input '\(token.text)'", at: at)
        }
    }

    mutating func identifier(_ name: String, at: Int, rooted: Bool = false) throws(CELCompileError) -> CELExpr {
        switch name {
        case "true" where !rooted: return CELExpr(offset: at, kind: .literal(.bool(true)))
        case "false" where !rooted: return CELExpr(offset: at, kind: .literal(.bool(false)))
        case "null" where !rooted: return CELExpr(offset: at, kind: .literal(.null))
        default: break
        }
        if Self.reservedWords.contains(name) || ["true", "false", "null"].contains(name) {
            throw error("reserved identifier: \(name)", at: at)
        }
        if isSymbol("(") {
            advance()
            let arguments = try expressionList(closing: ")")
            return try globalCall(name, arguments: arguments, at: at)
        }
        if isSymbol("{") {
            throw error("message construction is not supported: \(name){...}", at: offset)
        }
        // A qualified message name `a.b.C{...}` is also refused.
        var lookahead = position
        while lookahead + 1 < tokens.count, tokens[lookahead].token == .symbol("."),
            case .identifier = tokens[lookahead + 1].token
        {
            lookahead += 2
        }
        if lookahead != position, tokens[lookahead].token == .symbol("{") {
            throw error("message construction is not supported", at: tokens[lookahead].offset)
        }
        return CELExpr(offset: at, kind: .ident(name))
    }
}
