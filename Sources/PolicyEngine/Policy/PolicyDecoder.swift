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
        let name = document["metadata"]?["name"]?.stringValue
        do {
            return try decodeUnlabelled(document)
        } catch {
            var labelled = error
            labelled.documentName = name
            labelled.documentIndex = index
            throw labelled
        }
    }

    private static func decodeUnlabelled(_ document: JSONValue) throws(PolicyDecodingError) -> Policy {
        let root = FieldReader(document)
        let apiVersion = try root.required("apiVersion").string()
        guard supportedAPIVersions.contains(apiVersion) else {
            throw root.error(
                "unsupported: \(apiVersion) (Vigil reads kyverno.io/v1 and kyverno.io/v2beta1)", at: "apiVersion")
        }
        let kindText = try root.required("kind").string()
        guard let kind = Policy.Kind(rawValue: kindText) else {
            throw root.error("unsupported: kind \(kindText)", at: "kind")
        }
        let metadata = try root.required("metadata")
        let name = try metadata.required("name").string()
        guard !name.isEmpty else { throw metadata.error("must not be empty", at: "name") }
        let namespace = try metadata.optionalString("namespace")
        let annotations = try metadata.optional("annotations")?.stringMap() ?? [:]
        let labels = try metadata.optional("labels")?.stringMap() ?? [:]
        let resourceVersion = try metadata.optionalString("resourceVersion")
        let spec = try decodeSpec(try root.required("spec"))
        return Policy(
            kind: kind, apiVersion: apiVersion, name: name, namespace: kind == .policy ? (namespace ?? "default") : nil,
            annotations: annotations, labels: labels, resourceVersion: resourceVersion, spec: spec, document: document)
    }

    static func decodeSpec(_ spec: FieldReader) throws(PolicyDecodingError) -> PolicySpec {
        var action = FailureAction.audit
        if let reader = try spec.optional("validationFailureAction") {
            let text = try reader.string()
            guard let parsed = FailureAction(spelling: text) else {
                throw reader.error("must be Audit or Enforce, found \"\(text)\"")
            }
            action = parsed
        }
        var failurePolicy = FailurePolicy.fail
        if let reader = try spec.optional("failurePolicy") {
            let text = try reader.string()
            guard let parsed = FailurePolicy(rawValue: text) else {
                throw reader.error("must be Fail or Ignore, found \"\(text)\"")
            }
            failurePolicy = parsed
        }
        var applyRules = ApplyRules.all
        if let reader = try spec.optional("applyRules") {
            let text = try reader.string()
            guard let parsed = ApplyRules(rawValue: text) else {
                throw reader.error("must be All or One, found \"\(text)\"")
            }
            applyRules = parsed
        }
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
            let actionReader = try entry.required("action")
            let text = try actionReader.string()
            guard let action = FailureAction(spelling: text) else {
                throw actionReader.error("must be Audit or Enforce, found \"\(text)\"")
            }
            overrides.append(
                FailureActionOverride(
                    action: action, namespaces: try entry.optionalStrings("namespaces"),
                    namespaceSelector: try entry.optional("namespaceSelector").map(MatchDecoder.selector)))
        }
        return overrides
    }
}
