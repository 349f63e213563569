import JMESPath
import JSONValue
import YAML

/// Decoding functions: `parse_json` and `parse_yaml`.
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
            },
            function(
                "parse_yaml", [.init(.string)], returns: .any,
                "decodes a valid YAML encoded string to the appropriate type provided it can be represented as JSON"
            ) {
                arguments throws(JMESPathError) in
                let text = try arguments.string(0)
                // Kyverno converts with sigs.k8s.io/yaml's YAMLToJSON, which reads the first document only;
                // an empty text is `null`.
                do throws(YAMLError) {
                    return try YAML.load(text).first ?? .null
                } catch {
                    throw JMESPathError(.invalidValue, error.description)
                }
            },
        ]
    }
}
