public import JSONValue

/// Decodes `ValidatingAdmissionPolicy` and `ValidatingAdmissionPolicyBinding` documents
/// (`admissionregistration.k8s.io/v1`, and the older `v1beta1` / `v1alpha1` of the same shape).
public enum ValidatingAdmissionPolicyDecoder {
    /// The API versions Vigil reads.
    public static let supportedAPIVersions: Set<String> = [
        "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1",
        "admissionregistration.k8s.io/v1alpha1",
    ]

    /// Whether a document declares itself a ValidatingAdmissionPolicy.
    public static func isPolicyDocument(_ document: JSONValue) -> Bool {
        isDocument(document, kind: "ValidatingAdmissionPolicy")
    }

    /// Whether a document declares itself a ValidatingAdmissionPolicyBinding.
    public static func isBindingDocument(_ document: JSONValue) -> Bool {
        isDocument(document, kind: "ValidatingAdmissionPolicyBinding")
    }

    private static func isDocument(_ document: JSONValue, kind: String) -> Bool {
        document["kind"]?.stringValue == kind
            && (document["apiVersion"]?.stringValue?.hasPrefix("admissionregistration.k8s.io/") ?? false)
    }

    /// Decodes one policy document.
    /// - Throws: ``PolicyDecodingError`` naming the document and the field of the first problem.
    public static func decodePolicy(_ document: JSONValue, index: Int? = nil) throws(PolicyDecodingError)
        -> ValidatingAdmissionPolicy
    {
        try labelled(document, index) { () throws(PolicyDecodingError) in
            let root = FieldReader(document)
            let (apiVersion, metadata, name) = try header(root, kind: "ValidatingAdmissionPolicy")
            let spec = try root.required("spec")
            return ValidatingAdmissionPolicy(
                apiVersion: apiVersion, name: name,
                annotations: try metadata.optional("annotations")?.stringMap() ?? [:],
                labels: try metadata.optional("labels")?.stringMap() ?? [:],
                resourceVersion: try metadata.optionalString("resourceVersion"),
                spec: ValidatingAdmissionPolicySpec(
                    paramKind: try ValidatingPolicyDecoder.paramKind(spec.optional("paramKind")),
                    matchConstraints: try spec.optional("matchConstraints").map(
                        ValidatingPolicyDecoder.decodeMatchResources),
                    matchConditions: try ValidatingPolicyDecoder.namedExpressions(spec.optional("matchConditions")),
                    variables: try ValidatingPolicyDecoder.namedExpressions(spec.optional("variables")),
                    validations: try ValidatingPolicyDecoder.validations(spec.optional("validations")),
                    auditAnnotations: try ValidatingPolicyDecoder.auditAnnotations(spec.optional("auditAnnotations")),
                    failurePolicy: try ValidatingPolicyDecoder.failurePolicy(spec)),
                document: document)
        }
    }

    /// Decodes one binding document.
    /// - Throws: ``PolicyDecodingError`` naming the document and the field of the first problem.
    public static func decodeBinding(_ document: JSONValue, index: Int? = nil) throws(PolicyDecodingError)
        -> ValidatingAdmissionPolicyBinding
    {
        try labelled(document, index) { () throws(PolicyDecodingError) in
            let root = FieldReader(document)
            let (_, metadata, name) = try header(root, kind: "ValidatingAdmissionPolicyBinding")
            let spec = try root.required("spec")
            let policyName = try spec.required("policyName").string()
            guard !policyName.isEmpty else { throw spec.error("must not be empty", at: "policyName") }
            return ValidatingAdmissionPolicyBinding(
                name: name, labels: try metadata.optional("labels")?.stringMap() ?? [:],
                resourceVersion: try metadata.optionalString("resourceVersion"), policyName: policyName,
                paramRef: try ValidatingPolicyDecoder.paramReference(spec.optional("paramRef")),
                matchResources: try spec.optional("matchResources").map(ValidatingPolicyDecoder.decodeMatchResources),
                validationActions: try spec.optionalStrings("validationActions"), document: document)
        }
    }

    private static func header(_ root: FieldReader, kind: String) throws(PolicyDecodingError) -> (
        apiVersion: String, metadata: FieldReader, name: String
    ) {
        let apiVersion = try root.required("apiVersion").string()
        guard supportedAPIVersions.contains(apiVersion) else {
            throw root.error("unsupported: \(apiVersion)", at: "apiVersion")
        }
        let kindText = try root.required("kind").string()
        guard kindText == kind else { throw root.error("unsupported: kind \(kindText)", at: "kind") }
        let metadata = try root.required("metadata")
        let name = try metadata.required("name").string()
        guard !name.isEmpty else { throw metadata.error("must not be empty", at: "name") }
        return (apiVersion, metadata, name)
    }

    private static func labelled<T>(
        _ document: JSONValue, _ index: Int?, _ body: () throws(PolicyDecodingError) -> T
    ) throws(PolicyDecodingError) -> T {
        do {
            return try body()
        } catch {
            var labelled = error
            labelled.documentName = document["metadata"]?["name"]?.stringValue
            labelled.documentIndex = index
            throw labelled
        }
    }
}
