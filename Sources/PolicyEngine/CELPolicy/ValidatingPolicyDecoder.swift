public import JSONValue

/// Decodes `ValidatingPolicy` / `NamespacedValidatingPolicy` documents.
public enum ValidatingPolicyDecoder {
    /// The API versions Vigil reads.
    public static let supportedAPIVersions: Set<String> = [
        "policies.kyverno.io/v1", "policies.kyverno.io/v1beta1", "policies.kyverno.io/v1alpha1",
    ]

    /// Whether a document declares itself a ValidatingPolicy or NamespacedValidatingPolicy (policies.kyverno.io).
    public static func isValidatingPolicyDocument(_ document: JSONValue) -> Bool {
        guard let kind = document["kind"]?.stringValue, ValidatingPolicyKind(rawValue: kind) != nil else {
            return false
        }
        return document["apiVersion"]?.stringValue?.hasPrefix("policies.kyverno.io/") ?? false
    }

    /// Decodes one policy document.
    /// - Throws: ``PolicyDecodingError`` naming the document and the field of the first problem.
    public static func decode(_ document: JSONValue, index: Int? = nil) throws(PolicyDecodingError) -> ValidatingPolicy
    {
        try PolicyDecodingError.labelling(document, index: index) { () throws(PolicyDecodingError) in
            let root = FieldReader(document)
            let header = try PolicyDocumentHeader(
                root, apiVersions: supportedAPIVersions, kind: ValidatingPolicyKind.init(rawValue:))
            var namespace = try header.metadata.optionalString("namespace")
            if header.kind == .validatingPolicy { namespace = nil }
            if header.kind == .namespacedValidatingPolicy, namespace?.isEmpty ?? true { namespace = "default" }
            let spec = try decodeSpec(try root.required("spec"))
            return ValidatingPolicy(
                kind: header.kind, apiVersion: header.apiVersion, name: header.name, namespace: namespace,
                annotations: try header.annotations(), labels: try header.labels(),
                resourceVersion: try header.resourceVersion(), spec: spec, document: document)
        }
    }

    static func decodeSpec(_ reader: FieldReader) throws(PolicyDecodingError) -> ValidatingPolicySpec {
        let failurePolicy = try failurePolicy(reader)
        let evaluation = try reader.optional("evaluation")
        let validations = try validations(reader.optional("validations"))
        let auditAnnotations = try auditAnnotations(reader.optional("auditAnnotations"))
        let actions = try reader.optionalStrings("validationActions")
        return ValidatingPolicySpec(
            matchConstraints: try reader.optional("matchConstraints").map(decodeMatchResources),
            matchConditions: try namedExpressions(reader.optional("matchConditions")),
            variables: try namedExpressions(reader.optional("variables")), validations: validations,
            auditAnnotations: auditAnnotations, validationActions: actions.isEmpty ? ["Deny"] : actions,
            failurePolicy: failurePolicy,
            backgroundEnabled: try evaluation?.optional("background")?.optionalBool("enabled") ?? true,
            admissionEnabled: try evaluation?.optional("admission")?.optionalBool("enabled") ?? true,
            evaluationMode: try evaluation?.optionalString("mode").flatMap { $0.isEmpty ? nil : $0 } ?? "Kubernetes",
            autogenControllers: try reader.optional("autogen")?.optional("podControllers")?.optional("controllers")?
                .strings())
    }

    /// `failurePolicy`: `Fail` (the default) or `Ignore`.
    static func failurePolicy(_ reader: FieldReader) throws(PolicyDecodingError) -> FailurePolicy {
        try reader.optionalChoice("failurePolicy", "Fail or Ignore", FailurePolicy.init(rawValue:)) ?? .fail
    }

    /// `validations` (or a `validate.cel` rule's `expressions`): `{expression, message, messageExpression,
    /// reason}` entries.
    static func validations(_ reader: FieldReader?) throws(PolicyDecodingError) -> [CELValidation] {
        try reader?.map { entry throws(PolicyDecodingError) in
            CELValidation(
                expression: try entry.required("expression").string(), message: try entry.optionalString("message"),
                messageExpression: try entry.optionalString("messageExpression"),
                reason: try entry.optionalString("reason"))
        } ?? []
    }

    /// `auditAnnotations`: `{key, valueExpression}` entries.
    static func auditAnnotations(_ reader: FieldReader?) throws(PolicyDecodingError) -> [CELAuditAnnotation] {
        try reader?.map { entry throws(PolicyDecodingError) in
            CELAuditAnnotation(
                key: try entry.required("key").string(), valueExpression: try entry.required("valueExpression").string()
            )
        } ?? []
    }

    /// `paramKind`: `{apiVersion, kind}`.
    static func paramKind(_ reader: FieldReader?) throws(PolicyDecodingError) -> (apiVersion: String, kind: String)? {
        guard let reader else { return nil }
        return (try reader.optionalString("apiVersion") ?? "", try reader.optionalString("kind") ?? "")
    }

    /// `paramRef`: `{name, namespace, selector, parameterNotFoundAction}`.
    static func paramReference(_ reader: FieldReader?) throws(PolicyDecodingError) -> ParamReference? {
        guard let reader else { return nil }
        return ParamReference(
            name: try reader.optionalString("name"), namespace: try reader.optionalString("namespace"),
            selector: try reader.optional("selector").map(MatchDecoder.selector),
            parameterNotFoundAction: try reader.optionalString("parameterNotFoundAction"))
    }

    /// `matchConditions` or `variables`: a list of `{name, expression}`.
    static func namedExpressions(_ reader: FieldReader?) throws(PolicyDecodingError) -> [NamedCELExpression] {
        try reader?.map { entry throws(PolicyDecodingError) in
            NamedCELExpression(
                name: try entry.required("name").string(), expression: try entry.required("expression").string())
        } ?? []
    }

    /// An admission `MatchResources` block.
    static func decodeMatchResources(_ reader: FieldReader) throws(PolicyDecodingError) -> AdmissionMatchResources {
        func rules(_ key: String) throws(PolicyDecodingError) -> [AdmissionResourceRule] {
            try reader.optional(key)?.map { entry throws(PolicyDecodingError) in
                AdmissionResourceRule(
                    apiGroups: try entry.optionalStrings("apiGroups"),
                    apiVersions: try entry.optionalStrings("apiVersions"),
                    resources: try entry.optionalStrings("resources"),
                    operations: try entry.optionalStrings("operations"),
                    resourceNames: try entry.optionalStrings("resourceNames"),
                    scope: try entry.optionalString("scope") ?? "*")
            } ?? []
        }
        return AdmissionMatchResources(
            namespaceSelector: try reader.optional("namespaceSelector").map(MatchDecoder.selector),
            objectSelector: try reader.optional("objectSelector").map(MatchDecoder.selector),
            resourceRules: try rules("resourceRules"), excludeResourceRules: try rules("excludeResourceRules"),
            matchPolicy: try reader.optionalString("matchPolicy") ?? "Equivalent")
    }
}
