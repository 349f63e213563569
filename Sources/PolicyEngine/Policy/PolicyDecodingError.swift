/// A policy document that could not be decoded: which document, which field, and what is wrong with it.
///
/// `description` reads like `policy "require-labels" (document 2): spec.rules[0].validate.pattern: must be an
/// object`, so a person can find the field without reading the whole file.
public struct PolicyDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `metadata.name` of the document, when it has one.
    public var documentName: String?
    /// The 0-based index of the document in its input (file or list), when known.
    public var documentIndex: Int?
    /// The field path, for example `spec.rules[2].validate.pattern`; empty for the document itself.
    public var fieldPath: String
    /// What is wrong with the field.
    public var message: String

    public init(documentName: String? = nil, documentIndex: Int? = nil, fieldPath: String, message: String) {
        self.documentName = documentName
        self.documentIndex = documentIndex
        self.fieldPath = fieldPath
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let documentName { parts.append("policy \"\(documentName)\"") }
        if let documentIndex { parts.append("(document \(documentIndex))") }
        var text = parts.joined(separator: " ")
        if !text.isEmpty { text += ": " }
        if !fieldPath.isEmpty { text += fieldPath + ": " }
        return text + message
    }
}
