import JSONValue

/// What every policy document kind starts with, read and checked one way for ClusterPolicy/Policy,
/// ValidatingPolicy and ValidatingAdmissionPolicy documents: a supported `apiVersion`, a known `kind` and a
/// `metadata` with a non-empty `name`.
struct PolicyDocumentHeader<Kind> {
    var apiVersion: String
    var kind: Kind
    /// The `metadata` member, for the fields only some kinds read.
    var metadata: FieldReader
    /// `metadata.name`, never empty.
    var name: String

    /// Reads the header of `root`.
    /// - Parameters:
    ///   - apiVersions: the accepted `apiVersion`s; `versionsHint` follows the refusal of another one.
    ///   - kind: the kind named by a `kind` text, or nil for a kind this decoder does not read.
    /// - Throws: ``PolicyDecodingError`` for a missing, mistyped or unsupported field, in that order.
    init(
        _ root: FieldReader, apiVersions: Set<String>, versionsHint: String = "", kind: (String) -> Kind?
    ) throws(PolicyDecodingError) {
        apiVersion = try root.required("apiVersion").string()
        guard apiVersions.contains(apiVersion) else {
            throw root.error("unsupported: \(apiVersion)\(versionsHint)", at: "apiVersion")
        }
        let kindText = try root.required("kind").string()
        guard let kind = kind(kindText) else { throw root.error("unsupported: kind \(kindText)", at: "kind") }
        self.kind = kind
        metadata = try root.required("metadata")
        name = try metadata.required("name").string()
        guard !name.isEmpty else { throw metadata.error("must not be empty", at: "name") }
    }

    /// `metadata.annotations`, empty when absent.
    func annotations() throws(PolicyDecodingError) -> [String: String] {
        try metadata.optional("annotations")?.stringMap() ?? [:]
    }

    /// `metadata.labels`, empty when absent.
    func labels() throws(PolicyDecodingError) -> [String: String] {
        try metadata.optional("labels")?.stringMap() ?? [:]
    }

    /// `metadata.resourceVersion`, when present.
    func resourceVersion() throws(PolicyDecodingError) -> String? {
        try metadata.optionalString("resourceVersion")
    }
}

extension PolicyDecodingError {
    /// Runs `decode` and names `document` (its `metadata.name`, and `index` in its input) in the error it
    /// throws.
    static func labelling<Value>(
        _ document: JSONValue, index: Int?, _ decode: () throws(PolicyDecodingError) -> Value
    ) throws(PolicyDecodingError) -> Value {
        do {
            return try decode()
        } catch {
            var labelled = error
            labelled.documentName = document["metadata"]?["name"]?.stringValue
            labelled.documentIndex = index
            throw labelled
        }
    }
}
