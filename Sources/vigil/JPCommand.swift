import ArgumentParser
import Foundation
import JMESPath
import JSONValue
import PolicyEngine
import YAML

/// `vigil jp`: evaluate, list and parse JMESPath expressions, as `kyverno jp` does.
struct JPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jp",
        abstract: "Evaluate JMESPath expressions, list the available functions, or show an expression's syntax tree.",
        subcommands: [JPQueryCommand.self, JPFunctionCommand.self, JPParseCommand.self]
    )
}

/// The functions `vigil jp` offers: the standard ones with Kyverno's installed over them (Kyverno's `sum`
/// replaces the standard one), as `kyverno jp` does.
func jpFunctionRegistry() -> JMESPathFunctionRegistry {
    var registry = JMESPathFunctionRegistry.standard
    KyvernoFunctions.install(into: &registry)
    return registry
}

/// Decodes the document that `vigil jp query` reads: JSON, or YAML (one document; JSON is YAML too, but the
/// JSON parser is stricter about numbers and faster, so it goes first).
/// - Throws: the YAML loader's error, which names the line and column, when the bytes are neither.
func decodeInputDocument(_ bytes: [UInt8]) throws -> JSONValue {
    if let json = try? JSONValue.parse(bytes) { return json }
    return try YAML.loadSingle(String(decoding: bytes, as: UTF8.self))
}

/// Writes `error: <text>` to standard error and fails with exit code 1.
func failJP(_ text: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(text)\n".utf8))
    return ExitCode(1)
}
