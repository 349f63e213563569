import JMESPath
import JSONValue

/// Decoding functions: `parse_json` (and `parse_yaml` once the YAML module has a loader).
extension KyvernoFunctions {
    static var parseFunctions: [JMESPathFunction] {
        [
            function(
                "parse_json", [.init(.string)], returns: .any,
                "decodes a valid JSON encoded string to the appropriate type. Opposite of `to_string` function"
            ) {
                arguments throws(JMESPathError) in
                let text = try arguments.string(0)
                do throws(JSONParseError) {
                    return try JSONValue.parse(text)
                } catch {
                    throw JMESPathError(.invalidValue, error.description)
                }
            }
        ]
    }
}
