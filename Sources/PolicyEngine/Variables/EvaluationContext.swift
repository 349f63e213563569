import JSONValue

/// The JSON document that variables and JMESPath queries read during one evaluation: `request.object`,
/// `request.operation`, `request.namespace`, `images`, context entries, `element`/`elementIndex`.
///
/// A value type: a copy is a checkpoint, so a foreach element or a failed context entry never leaks into
/// the next rule.
struct EvaluationContext: Sendable {
    var document: JSONObject
    let queries: QueryEngine

    init(resource: JSONValue, operation: String, namespace: String, queries: QueryEngine, withImages: Bool = true) {
        var request: JSONObject = ["operation": .string(operation), "object": resource]
        request["namespace"] = .string(namespace)
        document = ["request": .object(request)]
        if withImages {
            let images = ImageInfo.images(of: resource)
            if !images.isEmpty { document["images"] = .object(images) }
        }
        self.queries = queries
    }

    var operation: String { document["request"]?["operation"]?.stringValue ?? "" }

    func query(_ text: String) throws(EvaluationError) -> JSONValue {
        try queries.query(text, in: .object(document))
    }

    /// Whether the top-level key exists (used for `@` in foreach, which prefers `target`).
    func has(_ key: String) -> Bool { document[key] != nil }

    /// Adds or replaces a context entry. A dotted name (`a.b`, `a."b.c"`) nests, as Kyverno's `AddVariable`
    /// does (it splits like a CSV record with `.` as separator, so quoted parts keep their dots).
    mutating func set(_ name: String, _ value: JSONValue) {
        let fields = Self.fields(of: name)
        document = Self.setting(fields[...], value, in: .object(document)).objectValue ?? document
    }

    static func fields(of name: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in name {
            if character == "\"" {
                quoted.toggle()
            } else if character == ".", !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    private static func setting(_ fields: ArraySlice<String>, _ value: JSONValue, in base: JSONValue) -> JSONValue {
        guard let first = fields.first else { return value }
        var object = base.objectValue ?? [:]
        object[first] = setting(fields.dropFirst(), value, in: object[first] ?? .null)
        return .object(object)
    }

    /// Kyverno's `AddElement`: `element`, `elementIndex`, and `element<n>` / `elementIndex<n>` for the
    /// nesting level, so nested loops can reach the outer elements.
    mutating func addElement(_ element: JSONValue, index: Int, nesting: Int) {
        document["element"] = element
        document["elementIndex"] = .int(index)
        document["element\(nesting)"] = element
        document["elementIndex\(nesting)"] = .int(index)
    }
}
