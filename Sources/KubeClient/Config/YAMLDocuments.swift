import JSONValue
import YAML

/// The one place KubeClient turns configuration text into a document.
enum YAMLDocuments {
    /// Parses a kubeconfig: YAML (JSON is YAML). A file holding only comments is an empty configuration.
    /// - Throws: `YAMLError` with the line and column, or when the file holds several documents.
    static func parseSingle(_ text: String) throws -> JSONValue {
        let documents = try YAML.load(text)
        switch documents.count {
        case 0: return .null
        case 1: return documents[0]
        default:
            throw YAMLError(
                kind: .documentCount,
                line: 1,
                column: 1,
                message: "a kubeconfig holds one document, found \(documents.count)"
            )
        }
    }
}
