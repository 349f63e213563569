import ArgumentParser
import CEL
import Foundation
import JSONValue

/// `vigil cel`: evaluate Common Expression Language expressions, as `vigil jp` does for JMESPath.
struct CELCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cel",
        abstract: "Evaluate CEL (Common Expression Language) expressions.",
        subcommands: [CELEvalCommand.self]
    )
}

/// `vigil cel eval EXPRESSION [--object FILE] [--var NAME=FILE]...`
struct CELEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Compile and evaluate a CEL expression over JSON or YAML documents.",
        discussion: """
            The variables `object`, `oldObject`, `request`, `params` and `namespaceObject` are always \
            declared (null unless given), as in Kubernetes' admission expressions. The result is printed as \
            JSON. A compile error (with its line and column) or an evaluation error prints 'error: <message>' \
            to standard error and the command exits with status 1. With --cost, the evaluation's cost in \
            Kubernetes' runtime cost units (limit 1,000,000 per expression) follows on standard error.
            """
    )

    @Option(help: "A JSON or YAML document bound to the variable `object`.")
    var object: String?

    @Option(name: .customLong("var"), help: "NAME=FILE: a JSON or YAML document bound to the variable NAME.")
    var variables: [String] = []

    @Flag(help: "Print the result as indented JSON.")
    var pretty = false

    @Flag(help: "Print the evaluation's cost (Kubernetes' runtime cost units) to standard error.")
    var cost = false

    @Argument(help: "The expression to evaluate.")
    var expression: String

    func run() throws {
        var values: [String: CELValue] = [:]
        for name in ["object", "oldObject", "request", "params", "namespaceObject"] { values[name] = .null }
        if let object { values["object"] = CELValue(json: try readDocument(object)) }
        for binding in variables {
            guard let equals = binding.firstIndex(of: "="), equals != binding.startIndex else {
                throw failJP("--var \(binding): expected NAME=FILE")
            }
            let name = String(binding[..<equals])
            values[name] = CELValue(json: try readDocument(String(binding[binding.index(after: equals)...])))
        }
        let environment = CELEnvironment(variables: values.keys.sorted(), libraries: CELEnvironment.kyvernoLibraries)
        let program: CELProgram
        do {
            program = try environment.compile(expression)
        } catch {
            throw failJP(error.description)
        }
        let evaluation = program.evaluateWithCost(values)
        if cost { FileHandle.standardError.write(Data("cost: \(evaluation.cost)\n".utf8)) }
        let result = evaluation.value
        if case .error(let error) = result { throw failJP(error.message) }
        guard let json = result.json else { throw failJP("the result has no JSON form") }
        print(json.serialized(pretty: pretty))
    }

    private func readDocument(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw failJP("cannot read \(path)") }
        do {
            return try decodeInputDocument(Array(data))
        } catch {
            throw failJP("\(path): invalid document: \(error)")
        }
    }
}
