import ArgumentParser
import JMESPath

/// `vigil jp function [NAME]`
struct JPFunctionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "function",
        abstract: "List the JMESPath functions with their signatures, or show one function."
    )

    @Argument(help: "A function name; all functions are listed when it is left out.")
    var name: String?

    func run() throws {
        let registry = jpFunctionRegistry()
        let functions: [JMESPathFunction]
        if let name {
            guard let function = registry.function(named: name) else { throw failJP("unknown function \(name)") }
            functions = [function]
        } else {
            functions = registry.functions
        }
        for function in functions {
            print("\(function.signature)\n    \(function.summary)")
        }
    }
}
