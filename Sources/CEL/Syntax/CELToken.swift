/// A lexical token of CEL.
enum CELToken: Equatable {
    case int(UInt64, text: String)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case identifier(String)
    /// A backquoted field name (`` a.`b-c` ``).
    case quotedIdentifier(String)
    /// Punctuation and operators: `+ - * / % ! == != < <= > >= && || ? : . ?. , ( ) [ [? ] { } in`.
    case symbol(String)
    case end

    var text: String {
        switch self {
        case .int(_, let text): text
        case .uint(let value): "\(value)u"
        case .double(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .bytes: "bytes literal"
        case .identifier(let name), .quotedIdentifier(let name): name
        case .symbol(let symbol): symbol
        case .end: "<EOF>"
        }
    }
}
