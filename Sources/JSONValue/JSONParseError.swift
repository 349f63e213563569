/// A JSON document that could not be parsed: where (byte offset, 1-based line and column) and why.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 0-based byte offset of the failing position in the input.
    public var offset: Int
    /// The 1-based line of the failing position.
    public var line: Int
    /// The 1-based column (in bytes) of the failing position.
    public var column: Int
    /// What went wrong, for example `expected ',' or '}' after an object member`.
    public var message: String

    public init(offset: Int, line: Int, column: Int, message: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        "JSON parse error at line \(line), column \(column) (byte \(offset)): \(message)"
    }
}
