import JSONValue

/// The one place KubeClient turns configuration text into a document.
enum YAMLDocuments {
    /// Parses one JSON document. YAML kubeconfigs need the `YAML` module's loader.
    static func parseSingle(_ text: String) throws -> JSONValue {
        try JSONValue.parse(text)
    }
}
