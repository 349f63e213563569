import JSONValue

extension Autogen {
    static let podReplacements = [
        ("request.object.spec", "request.object.spec.template.spec"),
        ("request.oldObject.spec", "request.oldObject.spec.template.spec"),
        ("request.object.metadata", "request.object.spec.template.metadata"),
        ("request.oldObject.metadata", "request.oldObject.spec.template.metadata"),
    ]
    static let cronJobReplacements = [
        ("request.object.spec", "request.object.spec.jobTemplate.spec.template.spec"),
        ("request.oldObject.spec", "request.oldObject.spec.jobTemplate.spec.template.spec"),
        ("request.object.metadata", "request.object.spec.jobTemplate.spec.template.metadata"),
        ("request.oldObject.metadata", "request.oldObject.spec.jobTemplate.spec.template.metadata"),
    ]

    /// The replacements for rules with `validate.cel` (`updateFields` with `cel`): CEL names the object directly.
    static let podCELReplacements = [
        ("object.spec", "object.spec.template.spec"), ("oldObject.spec", "oldObject.spec.template.spec"),
        ("object.metadata", "object.spec.template.metadata"),
        ("oldObject.metadata", "oldObject.spec.template.metadata"),
    ]
    static let cronJobCELReplacements = [
        ("object.spec", "object.spec.jobTemplate.spec.template.spec"),
        ("oldObject.spec", "oldObject.spec.jobTemplate.spec.template.spec"),
        ("object.metadata", "object.spec.jobTemplate.spec.template.metadata"),
        ("oldObject.metadata", "oldObject.spec.jobTemplate.spec.template.metadata"),
    ]

    static func gvks(_ kinds: [String]) -> JSONValue {
        .array(kinds.map { .string(controllerGVK[$0] ?? $0) })
    }

    /// Kyverno's `generateRule`: renames the rule, points its match/exclude kinds at the controllers, and
    /// keeps only the validate (or mutate/verifyImages) part with the pattern wrapped under `templateKey`.
    /// With `replaceAllFilters` false only filters naming Pod get the new kinds (the controller rule); with
    /// true every filter does (the CronJob rule).
    static func generateRule(
        name: String, rule: JSONValue, templateKey: String, kinds: [String], replaceAllFilters: Bool
    ) -> JSONValue? {
        guard case .object(let source) = rule else { return nil }
        var output: JSONObject = ["name": .string(name)]
        output["match"] = retarget(
            source["match"] ?? .object([:]), kinds: kinds, all: replaceAllFilters, isExclude: false)
        if let exclude = source["exclude"], !exclude.isNull, exclude != .object([:]) {
            output["exclude"] = retarget(exclude, kinds: kinds, all: replaceAllFilters, isExclude: true)
        }
        for key in ["celPreconditions", "context", "preconditions"] {
            if let value = source[key], !isEmptyValue(value) { output[key] = value }
        }
        var body: (String, JSONValue)?
        if let mutate = source["mutate"]?.objectValue {
            if let patch = mutate["patchStrategicMerge"] {
                body = ("mutate", .object(["patchStrategicMerge": wrap(patch, templateKey)]))
            } else if let forEach = mutate["foreach"]?.arrayValue, !forEach.isEmpty {
                let wrapped: [JSONValue] = forEach.map { element in
                    var entry: JSONObject = [:]
                    for key in ["list", "context", "preconditions"] { entry[key] = element[key] }
                    entry["patchStrategicMerge"] = wrap(element["patchStrategicMerge"] ?? .null, templateKey)
                    return .object(entry.filter { !$0.value.isNull })
                }
                body = ("mutate", .object(["foreach": .array(wrapped)]))
            }
        }
        if body == nil, let validate = source["validate"]?.objectValue {
            body = generateValidation(validate, templateKey: templateKey).map { ("validate", $0) }
        }
        if body == nil, let verify = source["verifyImages"], !isEmptyValue(verify) {
            body = ("verifyImages", verify)
        }
        guard let (key, value) = body else { return nil }
        output[key] = value
        for extra in ["skipBackgroundRequests", "reportProperties"] {
            if let value = source[extra], !isEmptyValue(value) { output[extra] = value }
        }
        return .object(output)
    }

    private static func generateValidation(_ validate: JSONObject, templateKey: String) -> JSONValue? {
        var common: JSONObject = [:]
        if let message = validate["message"]?.stringValue, !message.isEmpty { common["message"] = .string(message) }
        for key in ["failureAction", "failureActionOverrides", "allowExistingViolations"] {
            if let value = validate[key], !isEmptyValue(value) { common[key] = value }
        }
        if let pattern = validate["pattern"], !pattern.isNull {
            common["pattern"] = wrap(pattern, templateKey)
        } else if let deny = validate["deny"], !deny.isNull {
            common["deny"] = deny
        } else if let podSecurity = validate["podSecurity"], !podSecurity.isNull {
            common["podSecurity"] = podSecurity
        } else if let anyPattern = validate["anyPattern"]?.arrayValue {
            common["anyPattern"] = .array(anyPattern.map { wrap($0, templateKey) })
        } else if let forEach = validate["foreach"]?.arrayValue, !forEach.isEmpty {
            common["foreach"] = .array(forEach)
        } else if validate["cel"] != nil {
            return .object(validate)
        } else {
            return nil
        }
        return .object(common)
    }

    private static func wrap(_ pattern: JSONValue, _ templateKey: String) -> JSONValue {
        .object(["spec": .object([templateKey: pattern])])
    }

    private static func isEmptyValue(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .array(let array): array.isEmpty
        case .object(let object): object.isEmpty
        default: false
        }
    }

    private static func retarget(_ block: JSONValue, kinds: [String], all: Bool, isExclude: Bool) -> JSONValue {
        guard case .object(var object) = block else { return block }
        for key in ["any", "all"] {
            guard let filters = object[key]?.arrayValue, !filters.isEmpty else { continue }
            object[key] = .array(
                filters.map { filter in
                    let filterKinds = filter["resources"]?["kinds"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    guard all || KindSelector.containsKind(filterKinds, "Pod"),
                        case .object(var entry) = filter
                    else { return filter }
                    var resources = entry["resources"]?.objectValue ?? [:]
                    resources["kinds"] = gvks(kinds)
                    entry["resources"] = .object(resources)
                    return .object(entry)
                })
            return .object(object)
        }
        var resources = object["resources"]?.objectValue ?? [:]
        let existing = resources["kinds"]?.arrayValue ?? []
        if !isExclude || !existing.isEmpty {
            resources["kinds"] = gvks(kinds)
            object["resources"] = .object(resources)
        }
        return .object(object)
    }

    /// Kyverno rewrites the serialized rule with plain text replacement; this does the same on every key
    /// and string value.
    static func rewritePaths(in value: JSONValue, replacements: [(String, String)]) -> JSONValue {
        switch value {
        case .string(let text): return .string(replace(text, replacements))
        case .array(let elements): return .array(elements.map { rewritePaths(in: $0, replacements: replacements) })
        case .object(let object):
            var result = JSONObject()
            for (key, member) in object {
                result[replace(key, replacements)] = rewritePaths(in: member, replacements: replacements)
            }
            return .object(result)
        default: return value
        }
    }

    private static func replace(_ text: String, _ replacements: [(String, String)]) -> String {
        guard text.contains("bject.") else { return text }
        var result = text
        for (old, new) in replacements { result = result.replacing(old, with: new) }
        return result
    }
}
