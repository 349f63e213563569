import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// Calls a Kyverno function's body directly, as the engine would after checking arity and types.
func call(_ name: String, _ arguments: JSONValue...) throws(JMESPathError) -> JSONValue {
    guard let function = KyvernoFunctions.all.first(where: { $0.name == name }) else {
        throw JMESPathError(.unknownFunction, "no function \(name)")
    }
    return try function.body(arguments.map(JMESPathArgument.value))
}

/// The error message of a failing call, or nil when it succeeds.
func errorMessage(_ name: String, _ arguments: JSONValue...) -> String? {
    guard let function = KyvernoFunctions.all.first(where: { $0.name == name }) else { return "no function" }
    do {
        _ = try function.body(arguments.map(JMESPathArgument.value))
        return nil
    } catch {
        return error.message
    }
}

/// Parses JSON text in a test (a fixture error fails the test).
func json(_ text: String) throws -> JSONValue {
    try JSONValue.parse(text)
}
