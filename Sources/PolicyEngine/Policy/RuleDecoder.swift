import JSONValue

/// Decodes one rule document (`spec.rules[i]`, or a rule produced by autogen).
enum RuleDecoder {
    /// The fields of a rule and of its `validate` section in the Kyverno CRD; anything else is a typo.
    static let ruleFields: Set<String> = [
        "name", "match", "exclude", "context", "preconditions", "validate", "mutate", "generate", "verifyImages",
        "celPreconditions", "skipBackgroundRequests", "reportProperties", "imageExtractors",
    ]
    static let validateFields: Set<String> = [
        "message", "pattern", "anyPattern", "deny", "foreach", "podSecurity", "cel", "manifests", "failureAction",
        "failureActionOverrides", "allowExistingViolations", "assert",
    ]

    /// Rejects members outside `known`, naming the first unknown one (in document order).
    static func rejectUnknownFields(_ reader: FieldReader, _ known: Set<String>) throws(PolicyDecodingError) {
        for key in try reader.object().keys where !known.contains(key) {
            throw reader.error("unknown field \"\(key)\"", at: key)
        }
    }

    static func decode(_ reader: FieldReader) throws(PolicyDecodingError) -> Rule {
        try rejectUnknownFields(reader, ruleFields)
        let name = try reader.required("name").string()
        guard !name.isEmpty else { throw reader.error("must not be empty", at: "name") }
        guard name.count <= 63 else { throw reader.error("must be at most 63 characters", at: "name") }
        let match = try MatchDecoder.matchResources(try reader.required("match"))
        let exclude = try reader.optional("exclude").map(MatchDecoder.matchResources)
        let context = try ContextDecoder.entries(reader.optional("context"))
        let preconditions = try reader.optional("preconditions").map(ConditionDecoder.block)
        var type: RuleType?
        var validation: Validation?
        for (key, candidate) in [("validate", RuleType.validate), ("mutate", .mutate), ("generate", .generate)]
        where reader.has(key) {
            guard type == nil else {
                throw reader.error("a rule must have exactly one of validate, mutate, generate or verifyImages")
            }
            type = candidate
        }
        if let verify = try reader.optional("verifyImages"), !(try verify.array()).isEmpty {
            guard type == nil else {
                throw reader.error("a rule must have exactly one of validate, mutate, generate or verifyImages")
            }
            type = .verifyImages
        }
        guard let type else { throw reader.error("a rule must have one of validate, mutate, generate or verifyImages") }
        if type == .validate { validation = try decodeValidation(try reader.required("validate")) }
        if validation?.cel != nil {
            validation?.cel?.preconditions = try ValidatingPolicyDecoder.namedExpressions(
                reader.optional("celPreconditions"))
        }
        return Rule(
            name: name, match: match, exclude: exclude, context: context, preconditions: preconditions, type: type,
            validation: validation, reportProperties: try reader.optional("reportProperties")?.stringMap() ?? [:],
            document: reader.value)
    }

    static func decodeValidation(_ reader: FieldReader) throws(PolicyDecodingError) -> Validation {
        try rejectUnknownFields(reader, validateFields)
        var validation = Validation(
            message: try reader.optionalString("message"),
            failureAction: try reader.optionalChoice(
                "failureAction", FailureAction.spellings, FailureAction.init(spelling:)),
            failureActionOverrides: try PolicyDecoder.decodeOverrides(reader.optional("failureActionOverrides")),
            allowExistingViolations: try reader.optionalBool("allowExistingViolations") ?? true)
        var kinds: [String] = []
        /// Member `key` decoded with `decode` when present; each present member is one validation kind.
        func kind<Value>(
            _ key: String, _ decode: (FieldReader) throws(PolicyDecodingError) -> Value
        ) throws(PolicyDecodingError) -> Value? {
            guard let member = try reader.optional(key) else { return nil }
            kinds.append(key)
            return try decode(member)
        }
        validation.pattern = try kind("pattern") { $0.value }
        validation.anyPattern = try kind("anyPattern") { member throws(PolicyDecodingError) in
            try member.array().map(\.value)
        }
        validation.deny = try kind("deny", decodeDeny)
        validation.forEach = try kind("foreach", decodeForEach)
        validation.podSecurity = try kind("podSecurity", decodePodSecurity)
        validation.cel = try kind("cel", decodeCEL)
        for unsupported in ["manifests", "assert"] where reader.has(unsupported) {
            kinds.append(unsupported)
            validation.unsupported = "validate.\(unsupported)"
        }
        guard kinds.count == 1 else {
            if kinds.isEmpty {
                throw reader.error("must have one of pattern, anyPattern, deny, foreach, podSecurity, cel or manifests")
            }
            throw reader.error("must have only one of \(kinds.joined(separator: ", "))")
        }
        return validation
    }

    /// `validate.cel`: expressions, variables, audit annotations, paramKind and paramRef.
    static func decodeCEL(_ reader: FieldReader) throws(PolicyDecodingError) -> CELRuleValidation {
        let expressions = try ValidatingPolicyDecoder.validations(reader.optional("expressions"))
        let annotations = try ValidatingPolicyDecoder.auditAnnotations(reader.optional("auditAnnotations"))
        let paramKind = try ValidatingPolicyDecoder.paramKind(reader.optional("paramKind"))
        let paramRef = try ValidatingPolicyDecoder.paramReference(reader.optional("paramRef"))
        return CELRuleValidation(
            expressions: expressions,
            variables: try ValidatingPolicyDecoder.namedExpressions(reader.optional("variables")),
            auditAnnotations: annotations, preconditions: [], paramKind: paramKind, paramRef: paramRef)
    }

    static func decodeDeny(_ reader: FieldReader) throws(PolicyDecodingError) -> Deny {
        Deny(conditions: try reader.optional("conditions").map(ConditionDecoder.block))
    }

    static func decodeForEach(_ reader: FieldReader) throws(PolicyDecodingError) -> [ForEachValidation] {
        var result: [ForEachValidation] = []
        for entry in try reader.array() {
            let list = try entry.required("list").string()
            var forEach = ForEachValidation(
                list: list, elementScope: try entry.optionalBool("elementScope"),
                context: try ContextDecoder.entries(entry.optional("context")),
                preconditions: try entry.optional("preconditions").map(ConditionDecoder.block))
            var kinds = 0
            if let pattern = try entry.optional("pattern") {
                forEach.pattern = pattern.value
                kinds += 1
            }
            if let anyPattern = try entry.optional("anyPattern") {
                forEach.anyPattern = try anyPattern.array().map(\.value)
                kinds += 1
            }
            if let deny = try entry.optional("deny") {
                forEach.deny = try decodeDeny(deny)
                kinds += 1
            }
            if let nested = try entry.optional("foreach") {
                forEach.forEach = try decodeForEach(nested)
                kinds += 1
            }
            guard kinds == 1 else {
                throw entry.error("must have exactly one of pattern, anyPattern, deny or foreach")
            }
            result.append(forEach)
        }
        return result
    }

    static func decodePodSecurity(_ reader: FieldReader) throws(PolicyDecodingError) -> PodSecurity {
        let levelReader = try reader.required("level")
        let level = try levelReader.string()
        guard ["privileged", "baseline", "restricted"].contains(level) else {
            throw levelReader.error("must be privileged, baseline or restricted, found \"\(level)\"")
        }
        let exclusions = try reader.optional("exclude").map(decodePodSecurityExclusions) ?? []
        return PodSecurity(level: level, version: try reader.optionalString("version") ?? "latest", exclude: exclusions)
    }

    /// `podSecurity.exclude` of a rule, or `spec.podSecurity` of a PolicyException.
    static func decodePodSecurityExclusions(_ reader: FieldReader) throws(PolicyDecodingError) -> [PodSecurityExclusion]
    {
        var exclusions: [PodSecurityExclusion] = []
        for entry in try reader.array() {
            let control = try entry.required("controlName")
            let controlName = try control.string()
            guard PodSecurityExclusions.controlIDs[controlName] != nil else {
                throw control.error("unknown Pod Security control \"\(controlName)\"")
            }
            exclusions.append(
                PodSecurityExclusion(
                    controlName: controlName, images: try entry.optionalStrings("images"),
                    restrictedField: try entry.optionalString("restrictedField"),
                    values: try entry.optionalStrings("values")))
        }
        return exclusions
    }
}
