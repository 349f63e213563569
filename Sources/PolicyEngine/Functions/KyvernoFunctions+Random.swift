import JMESPath
import JSONValue
import KubeValues

/// `random`: a random string matching a Go regular expression (see ``RegexGenerator``).
extension KyvernoFunctions {
    static var randomFunctions: [JMESPathFunction] {
        [
            function("random", [.init(.string)], returns: .string, "Generates a random sequence of characters") {
                arguments throws(JMESPathError) in
                let pattern = try arguments.string(0)
                if pattern.isEmpty { throw JMESPathError(.invalidValue, "no pattern provided") }
                do throws(GoRegexError) {
                    return .string(try RegexGenerator(pattern).generate())
                } catch {
                    throw JMESPathError(.invalidValue, error.description)
                }
            }
        ]
    }
}
