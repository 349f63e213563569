/// An evaluation error. Errors are values in CEL (`false && (1/0 > 2)` is `false`), so the evaluator
/// carries them as ``CELValue/error(_:)`` and only the caller decides whether to throw.
public struct CELError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, in cel-go's wording where one exists (`no such key: x`, `division by zero`).
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static let divisionByZero = CELError("division by zero")
    static let moduloByZero = CELError("modulus by zero")
    static let overflow = CELError("integer overflow")
    static let rangeError = CELError("range error")
    /// The evaluation ran more comprehension iterations than ``CELEnvironment/costLimit`` allows
    /// (Kubernetes' wording for its runtime cost limit).
    public static let costLimitExceeded = CELError("operation cancelled: actual cost limit exceeded")

    static func noSuchKey(_ key: CELValue) -> CELError { CELError("no such key: \(key.debugText)") }
    static func noSuchField(_ name: String) -> CELError { CELError("no such key: \(name)") }
    static func noMatchingOverload(_ function: String) -> CELError {
        CELError("no such overload: \(function)")
    }
}

/// A compile (parse or check) error, with its position in the source.
public struct CELCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The UTF-8 offset in the source where the problem is.
    public var offset: Int
    /// 1-based line and column (in Unicode scalars) of ``offset``.
    public var line: Int
    public var column: Int

    /// An error at the UTF-8 `offset` of `source`; the line and column are counted from it.
    public init(message: String, offset: Int, in source: String) {
        self.message = message
        self.offset = offset
        (line, column) = (1, 1)
        var index = 0
        for scalar in source.unicodeScalars {
            if index >= offset { break }
            index += String(scalar).utf8.count
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
    }

    public var description: String { "ERROR: <input>:\(line):\(column): \(message)" }
}
