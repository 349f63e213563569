import JSONValue

/// Decodes preconditions and deny conditions (`any`/`all` or the legacy list).
enum ConditionDecoder {
    static func block(_ reader: FieldReader) throws(PolicyDecodingError) -> ConditionBlock {
        if case .array = reader.value {
            return .legacy(try conditions(reader))
        }
        _ = try reader.object()
        return .anyAll(
            any: try reader.optional("any").map(conditions), all: try reader.optional("all").map(conditions))
    }

    static func conditions(_ reader: FieldReader) throws(PolicyDecodingError) -> [Condition] {
        var result: [Condition] = []
        for entry in try reader.array() {
            let operatorReader = try entry.required("operator")
            let name = try operatorReader.string()
            guard let op = ConditionOperator(name: name) else {
                throw operatorReader.error("unknown operator \"\(name)\"")
            }
            let object = try entry.object()
            result.append(
                Condition(
                    key: object["key"] ?? .null, operator: op, value: object["value"] ?? .null,
                    message: try entry.optionalString("message") ?? ""))
        }
        return result
    }
}
