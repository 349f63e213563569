public import JSONValue

/// A Kyverno `PolicyException` (`kyverno.io/v2`, `v2beta1`): rules of named policies that do not apply to the
/// resources it matches. A matching exception turns the rule's result into `skip`; with `podSecurity` it
/// instead exempts those Pod Security controls, and the rule is skipped only when nothing else fails.
public struct PolicyException: Sendable {
    /// One `spec.exceptions` entry: a policy (`name`, or `namespace/name` for a Policy) and rule names
    /// (wildcards allowed; autogen rules are named as such, e.g. `autogen-check-labels`).
    public struct Target: Sendable {
        public var policyName: String
        public var ruleNames: [String]
    }

    public var name: String
    public var namespace: String?
    public var background: Bool
    public var match: MatchResources
    public var conditions: ConditionBlock?
    public var targets: [Target]
    public var podSecurity: [PodSecurityExclusion]
    let matcher: RuleMatcher

    /// `namespace/name`, or `name` for an exception without a namespace (Kyverno's `MetaNamespaceKey`).
    public var key: String { namespace.map { $0.isEmpty ? name : "\($0)/\(name)" } ?? name }

    /// Whether the exception names the rule of the policy (`policy` as in reports: `name` or `namespace/name`).
    public func contains(policy: String, rule: String) -> Bool {
        targets.contains { target in
            target.policyName == policy && target.ruleNames.contains { Wildcard($0).matches(rule) }
        }
    }

    /// Whether `document` is a PolicyException of a supported API version.
    public static func isExceptionDocument(_ document: JSONValue) -> Bool {
        document["kind"]?.stringValue == "PolicyException"
            && supportedAPIVersions.contains(document["apiVersion"]?.stringValue ?? "")
    }

    static let supportedAPIVersions: Set<String> = ["kyverno.io/v2", "kyverno.io/v2beta1", "kyverno.io/v2alpha1"]

    /// Decodes one PolicyException document.
    /// - Throws: ``PolicyDecodingError`` naming the document and field for a missing or mistyped field.
    public init(decoding document: JSONValue, index: Int? = nil) throws(PolicyDecodingError) {
        self = try PolicyDecodingError.labelling(document, index: index) { () throws(PolicyDecodingError) in
            try Self(unlabelled: document)
        }
    }

    private init(unlabelled document: JSONValue) throws(PolicyDecodingError) {
        let root = FieldReader(document)
        let apiVersion = try root.required("apiVersion").string()
        guard Self.supportedAPIVersions.contains(apiVersion) else {
            throw root.error("unsupported apiVersion \"\(apiVersion)\" for a PolicyException", at: "apiVersion")
        }
        let metadata = try root.required("metadata")
        name = try metadata.required("name").string()
        namespace = try metadata.optionalString("namespace")
        let spec = try root.required("spec")
        background = try spec.optionalBool("background") ?? true
        match = try MatchDecoder.matchResources(try spec.required("match"))
        guard match.legacy.isEmpty else {
            throw spec.error("must use any or all (resources at the top level are not allowed)", at: "match")
        }
        conditions = try spec.optional("conditions").map(ConditionDecoder.block)
        var targets: [Target] = []
        for entry in try spec.required("exceptions").array() {
            let policyName = try entry.required("policyName").string()
            guard !policyName.isEmpty else {
                throw entry.error("An exception requires a policy name", at: "policyName")
            }
            targets.append(Target(policyName: policyName, ruleNames: try entry.optionalStrings("ruleNames")))
        }
        self.targets = targets
        podSecurity = try spec.optional("podSecurity").map(RuleDecoder.decodePodSecurityExclusions) ?? []
        matcher = RuleMatcher(match: match, exclude: nil)
    }
}
