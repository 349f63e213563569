import ArgumentParser
import Foundation
import JMESPath
import JSONValue

/// `vigil jp query [--input FILE] [--pretty] EXPRESSION...`
struct JPQueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Evaluate JMESPath expressions against a JSON document from a file or standard input.",
        discussion: """
            Each result is printed as JSON on its own line. An expression that fails prints \
            'error: <class>: <message>' to standard error and the command exits with status 1.
            """
    )

    @Option(name: [.short, .long], help: "The document to query (default: standard input).")
    var input: String?

    @Flag(help: "Print results as indented JSON.")
    var pretty = false

    @Flag(help: "Fail on a path to a missing object key ('Unknown key \"x\" in path'), as Kyverno's engine does.")
    var missingKeyError = false

    @Argument(help: "The expressions to evaluate, in order.")
    var expressions: [String]

    func validate() throws {
        if expressions.isEmpty { throw ValidationError("Give at least one expression.") }
    }

    func run() throws {
        let bytes: [UInt8]
        if let input {
            guard let data = FileManager.default.contents(atPath: input) else {
                throw failJP("cannot read \(input)")
            }
            bytes = Array(data)
        } else {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        let document: JSONValue
        do {
            document = try decodeInputDocument(bytes)
        } catch {
            throw failJP("invalid input document: \(error)")
        }
        let functions = jpFunctionRegistry()
        let options = JMESPathOptions(missingKeys: missingKeyError ? .error : .null)
        for text in expressions {
            do {
                let result = try JMESPathExpression(text).search(document, functions: functions, options: options)
                print(result.serialized(pretty: pretty))
            } catch {
                throw failJP(error.description)
            }
        }
    }
}
