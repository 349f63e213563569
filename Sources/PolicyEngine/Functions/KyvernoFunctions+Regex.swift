import JMESPath
import JSONValue
import KubeValues

/// Regular-expression functions: `regex_replace_all`, `regex_replace_all_literal`, `regex_match`, with Go
/// RE2 syntax and semantics (see ``GoRegex``). The source and replacement may be numbers, converted to
/// text at `float32` precision as Kyverno does.
extension KyvernoFunctions {
    static var regexFunctions: [JMESPathFunction] {
        [
            function(
                "regex_replace_all", [.init(.string), .init(.string, .number), .init(.string, .number)],
                returns: .string, "converts all parameters to string"
            ) { arguments throws(JMESPathError) in
                try replaceAll(arguments, literal: false)
            },
            function(
                "regex_replace_all_literal",
                [.init(.string), .init(.string, .number), .init(.string, .number)], returns: .string,
                "converts all parameters to string"
            ) { arguments throws(JMESPathError) in
                try replaceAll(arguments, literal: true)
            },
            function(
                "regex_match", [.init(.string), .init(.string, .number)], returns: .boolean,
                "first string is the regular exression which is compared with second input which can be a number or string"
            ) {
                arguments throws(JMESPathError) in
                let pattern = try arguments.string(0)
                let text = try arguments.text(1)
                do throws(GoRegexError) {
                    return .bool(try GoRegex(pattern).matches(text))
                } catch {
                    // Kyverno returns regexp's error unwrapped here.
                    throw JMESPathError(.invalidValue, error.description)
                }
            },
        ]
    }

    private static func replaceAll(_ arguments: KyvernoArguments, literal: Bool) throws(JMESPathError) -> JSONValue {
        let pattern = try arguments.string(0)
        let source = try arguments.text(1)
        let replacement = try arguments.text(2)
        let regex: GoRegex
        do throws(GoRegexError) {
            regex = try GoRegex(pattern)
        } catch {
            throw KyvernoFunctionError.generic(arguments.function, error.description)
        }
        return .string(regex.replacingAll(in: source, with: replacement, literal: literal))
    }
}
