public import JSONValue

/// A `PolicyException` of `policies.kyverno.io` (v1, v1beta1, v1alpha1): exempts the resources its CEL
/// `matchConditions` select from the CEL policies it names. With `images` or `allowedValues` it only
/// narrows the policy (the policy sees them as `exceptions.allowedImages` / `exceptions.allowedValues`);
/// without them it exempts completely, and the policy's result becomes `skip` (or `pass` with
/// `reportResult: pass`).
public struct CELPolicyException: Sendable {
    /// One `policyRefs` entry.
    public struct PolicyRef: Sendable, Hashable {
        public var name: String
        public var kind: String
    }

    public var name: String
    public var namespace: String?
    public var labels: [String: String]
    public var policyRefs: [PolicyRef]
    public var matchConditions: [NamedCELExpression]
    public var images: [String]
    public var allowedValues: [String]
    /// `reportResult`: `pass` reports an exempted resource as passing; anything else as skipped.
    public var reportResult: String?
    /// `expiresAt` (RFC 3339) as seconds since 1970: after it the exception no longer applies.
    public var expiresAt: Int64?

    /// `namespace/name`, or `name` without a namespace (Kyverno's `MetaNamespaceKey`).
    public var key: String { namespace.map { $0.isEmpty ? name : "\($0)/\(name)" } ?? name }

    /// Whether `expiresAt` has passed at `now` (seconds since 1970), as Kyverno's `IsExpired`.
    public func isExpired(now: Int64) -> Bool {
        guard let expiresAt else { return false }
        return now > expiresAt
    }

    /// Whether the exception names a policy (by `metadata.name` and kind).
    public func refers(to name: String, kind: String) -> Bool {
        policyRefs.contains { $0.name == name && $0.kind == kind }
    }

    /// Whether `document` is a policies.kyverno.io PolicyException.
    public static func isExceptionDocument(_ document: JSONValue) -> Bool {
        document["kind"]?.stringValue == "PolicyException"
            && (document["apiVersion"]?.stringValue?.hasPrefix("policies.kyverno.io/") ?? false)
    }

    /// Decodes one document.
    /// - Throws: ``PolicyDecodingError`` naming the field of the first problem.
    public init(decoding document: JSONValue) throws(PolicyDecodingError) {
        let root = FieldReader(document)
        let metadata = try root.required("metadata")
        name = try metadata.required("name").string()
        namespace = try metadata.optionalString("namespace")
        labels = try metadata.optional("labels")?.stringMap() ?? [:]
        let spec = try root.required("spec")
        var refs: [PolicyRef] = []
        for entry in try spec.required("policyRefs").array() {
            refs.append(PolicyRef(name: try entry.required("name").string(), kind: try entry.required("kind").string()))
        }
        guard !refs.isEmpty else { throw spec.error("must specify at least one policy ref", at: "policyRefs") }
        policyRefs = refs
        matchConditions = try ValidatingPolicyDecoder.namedExpressions(spec.optional("matchConditions"))
        images = try spec.optionalStrings("images")
        allowedValues = try spec.optionalStrings("allowedValues")
        reportResult = try spec.optionalString("reportResult")
        if let text = try spec.optionalString("expiresAt") {
            do {
                expiresAt = try GoTime(parsing: text, layout: GoTime.rfc3339Layout).unixSeconds
            } catch {
                throw spec.error("is not an RFC 3339 time: \(error)", at: "expiresAt")
            }
        }
    }
}
