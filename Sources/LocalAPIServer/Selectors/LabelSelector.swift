/// A parsed `labelSelector` query: requirements that must all hold (`a=b,c!=d,e in (f,g),!h,i`).
public struct LabelSelector: Sendable, Equatable {
    public enum Operator: Sendable, Equatable {
        case equals, notEquals, `in`, notIn, exists, doesNotExist, greaterThan, lessThan
    }

    public struct Requirement: Sendable, Equatable {
        public var key: String
        public var op: Operator
        public var values: [String]
    }

    public var requirements: [Requirement]

    /// Whether the selector selects everything.
    public var isEmpty: Bool { requirements.isEmpty }

    public static let everything = LabelSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    /// Parses the selector syntax of `metav1.ListOptions.labelSelector`.
    /// - Throws: ``StatusError`` 400 `BadRequest` naming what could not be parsed.
    public init(parsing text: String) throws(StatusError) {
        var parser = LabelSelectorParser(Array(text.utf8))
        requirements = try parser.parse()
    }

    /// Whether `labels` satisfy every requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        for requirement in requirements {
            let value = labels[requirement.key]
            switch requirement.op {
            case .equals, .in:
                guard let value, requirement.values.contains(value) else { return false }
            case .notEquals, .notIn:
                if let value, requirement.values.contains(value) { return false }
            case .exists:
                if value == nil { return false }
            case .doesNotExist:
                if value != nil { return false }
            case .greaterThan, .lessThan:
                guard let value, let number = Int(value), let bound = requirement.values.first.flatMap({ Int($0) })
                else { return false }
                if requirement.op == .greaterThan ? number <= bound : number >= bound { return false }
            }
        }
        return true
    }
}

/// A small hand-written scanner for the label selector grammar of apimachinery's `labels.Parse`.
struct LabelSelectorParser {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parse() throws(StatusError) -> [LabelSelector.Requirement] {
        var result: [LabelSelector.Requirement] = []
        skipSpaces()
        if position == bytes.count { return result }
        while true {
            result.append(try requirement())
            skipSpaces()
            if position == bytes.count { return result }
            guard bytes[position] == UInt8(ascii: ",") else {
                throw failure(
                    "found '\(String(decoding: bytes[position...], as: UTF8.self))', expected: ',' or 'end of string'")
            }
            position += 1
            skipSpaces()
        }
    }

    mutating func requirement() throws(StatusError) -> LabelSelector.Requirement {
        skipSpaces()
        if position < bytes.count, bytes[position] == UInt8(ascii: "!") {
            position += 1
            let key = try identifier()
            return .init(key: try validKey(key), op: .doesNotExist, values: [])
        }
        let key = try validKey(try identifier())
        skipSpaces()
        guard position < bytes.count, bytes[position] != UInt8(ascii: ",") else {
            return .init(key: key, op: .exists, values: [])
        }
        if consume("==") || consume("=") {
            return .init(key: key, op: .equals, values: [try value()])
        }
        if consume("!=") { return .init(key: key, op: .notEquals, values: [try value()]) }
        if consume(">") { return .init(key: key, op: .greaterThan, values: [try integerValue()]) }
        if consume("<") { return .init(key: key, op: .lessThan, values: [try integerValue()]) }
        let word = try identifier()
        switch word {
        case "in": return .init(key: key, op: .in, values: try valueSet())
        case "notin": return .init(key: key, op: .notIn, values: try valueSet())
        default: throw failure("found '\(word)', expected: in, notin, =, ==, !=, gt, lt")
        }
    }

    mutating func valueSet() throws(StatusError) -> [String] {
        skipSpaces()
        guard consume("(") else { throw failure("found '\(rest)', expected: '('") }
        var values: [String] = []
        while true {
            skipSpaces()
            values.append(try value())
            skipSpaces()
            if consume(")") { return values }
            guard consume(",") else { throw failure("found '\(rest)', expected: ',' or ')'") }
        }
    }

    mutating func value() throws(StatusError) -> String {
        skipSpaces()
        // An empty value only before a comma or the end; anything else must be an identifier.
        if position < bytes.count, bytes[position] != UInt8(ascii: ","), !Self.isValueByte(bytes[position]) {
            throw failure("found '\(token)', expected: identifier")
        }
        let start = position
        while position < bytes.count, Self.isValueByte(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard text.count <= 63 else {
            throw failure("invalid label value: \"\(text)\": must be no more than 63 characters")
        }
        return text
    }

    mutating func integerValue() throws(StatusError) -> String {
        let text = try value()
        guard Int(text) != nil else { throw failure("for 'Gt', 'Lt' operators, the value must be an integer") }
        return text
    }

    mutating func identifier() throws(StatusError) -> String {
        skipSpaces()
        let start = position
        while position < bytes.count, Self.isValueByte(bytes[position]) || bytes[position] == UInt8(ascii: "/") {
            position += 1
        }
        guard position > start else { throw failure("found '\(rest)', expected: identifier") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    func validKey(_ key: String) throws(StatusError) -> String {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last, !name.isEmpty, name.count <= 63 else {
            throw failure("invalid label key \"\(key)\"")
        }
        return key
    }

    /// The rest of the input, as the messages quote it (empty at the end, as apimachinery's lexer's literal).
    var rest: String {
        position < bytes.count ? String(decoding: bytes[position...], as: UTF8.self) : ""
    }

    /// The token at the position as apimachinery's lexer reads it: a two-character operator or one character.
    var token: String {
        guard position < bytes.count else { return "" }
        if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "="),
            bytes[position] == UInt8(ascii: "!") || bytes[position] == UInt8(ascii: "=")
        {
            return String(decoding: bytes[position...(position + 1)], as: UTF8.self)
        }
        return String(decoding: bytes[position...position], as: UTF8.self)
    }

    mutating func consume(_ token: StaticString) -> Bool {
        let count = token.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let tokenBytes = UnsafeBufferPointer(start: token.utf8Start, count: count)
        for index in 0..<count where bytes[position + index] != tokenBytes[index] { return false }
        position += count
        return true
    }

    mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
    }

    static func isValueByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    func failure(_ message: String) -> StatusError {
        .badRequest("unable to parse requirement: \(message)")
    }
}
