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
        try decode(document, index, kind: "ValidatingAdmissionPolicy") { header, spec throws(PolicyDecodingError) in
            ValidatingAdmissionPolicy(
                apiVersion: header.apiVersion, name: header.name, annotations: try header.annotations(),
                labels: try header.labels(), resourceVersion: try header.resourceVersion(),
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
        try decode(document, index, kind: "ValidatingAdmissionPolicyBinding") {
            header, spec throws(PolicyDecodingError) in
            let policyName = try spec.required("policyName").string()
            guard !policyName.isEmpty else { throw spec.error("must not be empty", at: "policyName") }
            return ValidatingAdmissionPolicyBinding(
                name: header.name, labels: try header.labels(), resourceVersion: try header.resourceVersion(),
                policyName: policyName,
                paramRef: try ValidatingPolicyDecoder.paramReference(spec.optional("paramRef")),
                matchResources: try spec.optional("matchResources").map(ValidatingPolicyDecoder.decodeMatchResources),
                validationActions: try spec.optionalStrings("validationActions"), document: document)
        }
    }

    /// Decodes `document`, which must be a `kind`, with `decode` given its header and `spec`; errors name the
    /// document.
    private static func decode<Value>(
        _ document: JSONValue, _ index: Int?, kind: String,
        _ decode: (PolicyDocumentHeader<String>, FieldReader) throws(PolicyDecodingError) -> Value
    ) throws(PolicyDecodingError) -> Value {
        try PolicyDecodingError.labelling(document, index: index) { () throws(PolicyDecodingError) in
            let root = FieldReader(document)
            let header = try PolicyDocumentHeader(root, apiVersions: supportedAPIVersions) { $0 == kind ? $0 : nil }
            return try decode(header, try root.required("spec"))
        }
    }
}
