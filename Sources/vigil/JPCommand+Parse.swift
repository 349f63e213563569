import ArgumentParser
import JMESPath

/// `vigil jp parse EXPRESSION`
struct JPParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print the syntax tree of a JMESPath expression."
    )

    @Argument(help: "The expression to parse.")
    var expression: String

    func run() throws {
        do {
            print(try JMESPathExpression(expression).ast)
        } catch {
            throw failJP(error.description)
        }
    }
}
