public import JSONValue

/// Decodes Kyverno policy documents into ``Policy`` values, one result per document, so one invalid
/// policy never stops the others.
public enum PolicyDecoder {
    /// The API versions Vigil reads.
    public static let supportedAPIVersions: Set<String> = ["kyverno.io/v1", "kyverno.io/v2beta1"]

    /// Whether a document declares itself a Kyverno `ClusterPolicy` or `Policy` (any kyverno.io version).
    public static func isPolicyDocument(_ document: JSONValue) -> Bool {
        guard let kind = document["kind"]?.stringValue, kind == "ClusterPolicy" || kind == "Policy" else {
            return false
        }
        return document["apiVersion"]?.stringValue?.hasPrefix("kyverno.io/") ?? false
    }

    /// Decodes every policy document among `documents`; other documents are ignored. Each result carries
    /// the document index in `documents`.
    public static func decodeAll(_ documents: [JSONValue]) -> [(
        index: Int, result: Result<Policy, PolicyDecodingError>
    )] {
        documents.enumerated().compactMap { index, document in
            guard isPolicyDocument(document) else { return nil }
            do throws(PolicyDecodingError) {
                return (index, .success(try decode(document, index: index)))
            } catch {
                return (index, .failure(error))
            }
        }
    }

    /// Decodes one policy document.
    ///
    /// - Throws: ``PolicyDecodingError`` naming the document and the field path of the first problem.
    public static func decode(_ document: JSONValue, index: Int? = nil) throws(PolicyDecodingError) -> Policy {
        try PolicyDecodingError.labelling(document, index: index) { () throws(PolicyDecodingError) in
            let root = FieldReader(document)
            let header = try PolicyDocumentHeader(
                root, apiVersions: supportedAPIVersions,
                versionsHint: " (Vigil reads kyverno.io/v1 and kyverno.io/v2beta1)", kind: PolicyKind.init(rawValue:))
            let namespace = try header.metadata.optionalString("namespace")
            let annotations = try header.annotations()
            let labels = try header.labels()
            let resourceVersion = try header.resourceVersion()
            return Policy(
                kind: header.kind, apiVersion: header.apiVersion, name: header.name,
                namespace: header.kind == .policy ? (namespace ?? "default") : nil, annotations: annotations,
                labels: labels, resourceVersion: resourceVersion, spec: try decodeSpec(try root.required("spec")),
                document: document)
        }
    }

    static func decodeSpec(_ spec: FieldReader) throws(PolicyDecodingError) -> PolicySpec {
        let action =
            try spec.optionalChoice("validationFailureAction", FailureAction.spellings, FailureAction.init(spelling:))
            ?? .audit
        let failurePolicy =
            try spec.optionalChoice("failurePolicy", "Fail or Ignore", FailurePolicy.init(rawValue:)) ?? .fail
        let applyRules = try spec.optionalChoice("applyRules", "All or One", ApplyRules.init(rawValue:)) ?? .all
        let rulesReader = try spec.required("rules")
        var rules: [Rule] = []
        var names: Set<String> = []
        for ruleReader in try rulesReader.array() {
            let rule = try RuleDecoder.decode(ruleReader)
            guard names.insert(rule.name).inserted else {
                throw ruleReader.error("duplicate rule name \"\(rule.name)\"", at: "name")
            }
            rules.append(rule)
        }
        guard !rules.isEmpty else { throw rulesReader.error("must contain at least one rule") }
        return PolicySpec(
            background: try spec.optionalBool("background") ?? true,
            admission: try spec.optionalBool("admission") ?? true,
            validationFailureAction: action,
            validationFailureActionOverrides: try decodeOverrides(spec.optional("validationFailureActionOverrides")),
            failurePolicy: failurePolicy, applyRules: applyRules, rules: rules)
    }

    static func decodeOverrides(_ reader: FieldReader?) throws(PolicyDecodingError) -> [FailureActionOverride] {
        guard let reader else { return [] }
        var overrides: [FailureActionOverride] = []
        for entry in try reader.array() {
            let action = try entry.requiredChoice(
                "action", FailureAction.spellings, FailureAction.init(spelling:))
            overrides.append(
                FailureActionOverride(
                    action: action, namespaces: try entry.optionalStrings("namespaces"),
                    namespaceSelector: try entry.optional("namespaceSelector").map(MatchDecoder.selector)))
        }
        return overrides
    }
}
