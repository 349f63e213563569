import JSONValue

/// Reads typed fields out of a `JSONValue` while tracking the field path, so every decoding error names
/// the exact field (`spec.rules[1].match.any[0].resources.kinds`).
struct FieldReader {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    func error(_ message: String, at field: String? = nil) -> PolicyDecodingError {
        PolicyDecodingError(fieldPath: field.map { join(path, $0) } ?? path, message: message)
    }

    /// The object this reader points at; throws when it is another type.
    func object() throws(PolicyDecodingError) -> JSONObject {
        guard case .object(let object) = value else { throw error("must be an object, found \(value.typeName)") }
        return object
    }

    /// A reader for member `key`, or nil when the member is missing or null.
    func optional(_ key: String) throws(PolicyDecodingError) -> FieldReader? {
        let object = try object()
        guard let member = object[key], !member.isNull else { return nil }
        return FieldReader(member, path: join(path, key))
    }

    func required(_ key: String) throws(PolicyDecodingError) -> FieldReader {
        guard let reader = try optional(key) else { throw error("is required", at: key) }
        return reader
    }

    func string() throws(PolicyDecodingError) -> String {
        guard case .string(let text) = value else { throw error("must be a string, found \(value.typeName)") }
        return text
    }

    func bool() throws(PolicyDecodingError) -> Bool {
        guard case .bool(let flag) = value else { throw error("must be a boolean, found \(value.typeName)") }
        return flag
    }

    func int() throws(PolicyDecodingError) -> Int {
        guard let number = value.intValue else { throw error("must be an integer, found \(value.typeName)") }
        return number
    }

    func array() throws(PolicyDecodingError) -> [FieldReader] {
        guard case .array(let elements) = value else { throw error("must be a list, found \(value.typeName)") }
        return elements.enumerated().map { FieldReader($1, path: "\(path)[\($0)]") }
    }

    /// Each element of the list this reader points at, decoded with `decode`.
    func map<Element>(
        _ decode: (FieldReader) throws(PolicyDecodingError) -> Element
    ) throws(PolicyDecodingError) -> [Element] {
        var result: [Element] = []
        for element in try array() { result.append(try decode(element)) }
        return result
    }

    func strings() throws(PolicyDecodingError) -> [String] {
        try map { element throws(PolicyDecodingError) in try element.string() }
    }

    /// A map of string values (labels, annotations, reportProperties).
    func stringMap() throws(PolicyDecodingError) -> [String: String] {
        var result: [String: String] = [:]
        for (key, member) in try object() {
            result[key] = try FieldReader(member, path: join(path, key)).string()
        }
        return result
    }

    // Convenience accessors for optional members.
    func optionalString(_ key: String) throws(PolicyDecodingError) -> String? {
        try optional(key)?.string()
    }

    func optionalBool(_ key: String) throws(PolicyDecodingError) -> Bool? {
        try optional(key)?.bool()
    }

    func optionalStrings(_ key: String) throws(PolicyDecodingError) -> [String] {
        try optional(key)?.strings() ?? []
    }

    /// Member `key`, a string that `parse` turns into one of a fixed set of values (an enum's spellings);
    /// nil when the member is missing or null.
    /// - Throws: when the member is not a string or not one of the spellings, named by `expected`
    ///   (`must be Fail or Ignore, found "x"`).
    func optionalChoice<Value>(
        _ key: String, _ expected: String, _ parse: (String) -> Value?
    ) throws(PolicyDecodingError) -> Value? {
        guard let reader = try optional(key) else { return nil }
        let text = try reader.string()
        guard let value = parse(text) else { throw reader.error("must be \(expected), found \"\(text)\"") }
        return value
    }

    /// ``optionalChoice(_:_:_:)`` for a member that must be present.
    func requiredChoice<Value>(
        _ key: String, _ expected: String, _ parse: (String) -> Value?
    ) throws(PolicyDecodingError) -> Value {
        guard let value = try optionalChoice(key, expected, parse) else { throw error("is required", at: key) }
        return value
    }

    func has(_ key: String) -> Bool {
        if case .object(let object) = value, let member = object[key], !member.isNull { return true }
        return false
    }

    private func join(_ base: String, _ key: String) -> String {
        base.isEmpty ? key : base + "." + key
    }
}
