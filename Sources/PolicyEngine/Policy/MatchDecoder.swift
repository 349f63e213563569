import JSONValue

/// Decodes `match` / `exclude` blocks and label selectors.
enum MatchDecoder {
    static func matchResources(_ reader: FieldReader) throws(PolicyDecodingError) -> MatchResources {
        let any =
            try reader.optional("any")?.array().map { (element) throws(PolicyDecodingError) in try filter(element) }
            ?? []
        let all =
            try reader.optional("all")?.array().map { (element) throws(PolicyDecodingError) in try filter(element) }
            ?? []
        let legacy = try filter(reader)
        if !legacy.isEmpty, !any.isEmpty || !all.isEmpty {
            throw reader.error("can't specify any/all together with resources, subjects, roles or clusterRoles")
        }
        if !any.isEmpty, !all.isEmpty {
            throw reader.error("can't specify both any and all")
        }
        return MatchResources(any: any, all: all, legacy: legacy)
    }

    static func filter(_ reader: FieldReader) throws(PolicyDecodingError) -> ResourceFilter {
        var subjects: [Subject] = []
        if let subjectsReader = try reader.optional("subjects") {
            for entry in try subjectsReader.array() {
                subjects.append(
                    Subject(
                        kind: try entry.required("kind").string(), name: try entry.required("name").string(),
                        namespace: try entry.optionalString("namespace")))
            }
        }
        return ResourceFilter(
            resources: try reader.optional("resources").map(description) ?? emptyDescription,
            subjects: subjects, roles: try reader.optionalStrings("roles"),
            clusterRoles: try reader.optionalStrings("clusterRoles"))
    }

    static let emptyDescription = ResourceDescription(
        kinds: [], name: nil, names: [], namespaces: [], annotations: nil, selector: nil, namespaceSelector: nil,
        operations: [])

    static func description(_ reader: FieldReader) throws(PolicyDecodingError) -> ResourceDescription {
        let operations = try reader.optionalStrings("operations")
        for (index, operation) in operations.enumerated()
        where !["CREATE", "UPDATE", "DELETE", "CONNECT"].contains(operation) {
            throw reader.error(
                "must be one of CREATE, UPDATE, DELETE, CONNECT, found \"\(operation)\"", at: "operations[\(index)]")
        }
        return ResourceDescription(
            kinds: try reader.optionalStrings("kinds"), name: try reader.optionalString("name"),
            names: try reader.optionalStrings("names"), namespaces: try reader.optionalStrings("namespaces"),
            annotations: try reader.optional("annotations")?.stringMap(),
            selector: try reader.optional("selector").map(selector),
            namespaceSelector: try reader.optional("namespaceSelector").map(selector), operations: operations)
    }

    static func selector(_ reader: FieldReader) throws(PolicyDecodingError) -> LabelSelector {
        var requirements: [LabelSelector.Requirement] = []
        if let expressions = try reader.optional("matchExpressions") {
            for entry in try expressions.array() {
                let operatorReader = try entry.required("operator")
                let text = try operatorReader.string()
                guard let op = LabelSelector.Requirement.Operator(rawValue: text) else {
                    throw operatorReader.error("must be In, NotIn, Exists or DoesNotExist, found \"\(text)\"")
                }
                let values = try entry.optionalStrings("values")
                let needsValues = op == .in || op == .notIn
                if needsValues, values.isEmpty {
                    throw entry.error("values must be non-empty for operator \(text)", at: "values")
                }
                if !needsValues, !values.isEmpty {
                    throw entry.error("values must be empty for operator \(text)", at: "values")
                }
                requirements.append(.init(key: try entry.required("key").string(), operator: op, values: values))
            }
        }
        return LabelSelector(
            matchLabels: try reader.optional("matchLabels")?.stringMap() ?? [:], matchExpressions: requirements)
    }
}
