import JMESPath
import JSONValue
import YAML

/// Decoding functions: `parse_json` and `parse_yaml`.
extension KyvernoFunctions {
    static var parseFunctions: [JMESPathFunction] {
        [
            decoding(
                "parse_json", returns: .any,
                "decodes a valid JSON encoded string to the appropriate type. Opposite of `to_string` function"
            ) { text in try JSONValue.parse(text) },
            // Kyverno converts with sigs.k8s.io/yaml's YAMLToJSON, which reads the first document only; an empty
            // text is `null`.
            decoding(
                "parse_yaml", returns: .any,
                "decodes a valid YAML encoded string to the appropriate type provided it can be represented as JSON"
            ) { text in try YAML.load(text).first ?? .null },
        ]
    }
}
