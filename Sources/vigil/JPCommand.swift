import ArgumentParser
import Foundation
import JMESPath
import JSONValue

/// `vigil jp`: evaluate, list and parse JMESPath expressions, as `kyverno jp` does.
struct JPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jp",
        abstract: "Evaluate JMESPath expressions, list the available functions, or show an expression's syntax tree.",
        subcommands: [JPQueryCommand.self, JPFunctionCommand.self, JPParseCommand.self]
    )
}

/// The functions `vigil jp` offers: the standard ones, plus Kyverno's once the policy engine provides them.
func jpFunctionRegistry() -> JMESPathFunctionRegistry {
    .standard
}

/// Decodes the document that `vigil jp query` reads.
/// - Throws: the parser's error when the bytes are not a document.
func decodeInputDocument(_ bytes: [UInt8]) throws -> JSONValue {
    try JSONValue.parse(bytes)
}

/// Writes `error: <text>` to standard error and fails with exit code 1.
func failJP(_ text: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(text)\n".utf8))
    return ExitCode(1)
}
