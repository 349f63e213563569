import CEL
public import JSONValue

/// Evaluates Kubernetes ValidatingAdmissionPolicies with their bindings against resources, as Kyverno's
/// background scan reports them (`pkg/admissionpolicy/validate.go`, `pkg/controllers/report/background`,
/// `pkg/utils/report/results.go`, Kyverno 1.19 development line).
///
/// What Kyverno does, and Vigil with it:
/// - The reports controller takes only policies labelled `reports.kyverno.io/enabled: "true"`, and the
///   bindings not labelled `reports.kyverno.io/disabled`; the CLI (`kyverno apply` / `test`) takes all.
/// - A policy is evaluated only when its own `matchConstraints` select the resource (operation `CREATE`,
///   no user). Without any binding naming it, the policy is evaluated on its own (a real API server would
///   not apply it; Kyverno reports it). With bindings, each binding whose `matchResources` select the
///   resource is evaluated; a binding that does not select it gives nothing.
/// - One result per evaluation: `rule` and `policy` are the policy's name, source
///   `ValidatingAdmissionPolicy`, property `binding` = the binding's name (absent without a binding) and
///   `process: background scan`; `scored`, `category` and `severity` come from the policy's annotations.
/// - Kubernetes' validator decides: match conditions false (or failing with `failurePolicy: Ignore`) →
///   `skip` "match conditions aren't met"; a match condition or validation that cannot be evaluated →
///   `error` with the validator's message (`expression '…' resulted in error: …`, `compilation error: …`);
///   the first validation that is not true → `fail` with its messageExpression, message, or
///   `failed expression: …`; otherwise `pass` with no message. `validationActions` and audit annotations
///   do not change the result.
/// - `namespaceObject` is Kubernetes' `CreateNamespaceObject` of the resource's Namespace (metadata without
///   managedFields and owner references, spec, status); for a cluster-scoped resource an empty Namespace.
/// - Parameters are read when evaluating (through the ``ContextProvider``); Kyverno watches no parameter
///   objects, so a changed parameter shows at the next scan of the resource (resync or resource change).
///
/// Where Kyverno has defects, Vigil follows Kubernetes' admission semantics instead: several matching
/// bindings each give their result (Kyverno keeps the last one in lister order); a `paramRef` selecting
/// several objects evaluates each (the first not admitted decides; Kyverno passes them as one
/// `{items: […]}` object); a missing parameter gives no result for that binding with
/// `parameterNotFoundAction: Allow` (Kyverno fails the whole scan of the resource, or panics on an empty
/// selection) and an `error` with Kubernetes' message with `Deny`.
public struct ValidatingAdmissionPolicyEvaluator: Sendable {
    /// Kyverno's CLI (`kyverno test`, `kyverno apply` without a cluster): when bindings name the policy,
    /// its `matchConstraints` select resources by group, version and resource only (the CLI picks the
    /// resources by kind and then checks the bindings alone); operations, scope, selectors and exclusions
    /// of the policy are ignored. Off for the background scan, which checks the full constraints.
    public var cliMatching: Bool

    public init(cliMatching: Bool = false) {
        self.cliMatching = cliMatching
    }

    /// The `source` of these results in reports.
    public static let source = "ValidatingAdmissionPolicy"
    /// The result property naming the binding.
    public static let bindingProperty = "binding"
    /// The message of a `skip` result (match conditions not met).
    public static let skipMessage = "match conditions aren't met"

    /// The results of `policy` (with those of `bindings` that name it) for one request; empty when the
    /// policy's constraints or no binding select the resource.
    ///
    /// - Parameters:
    ///   - bindings: bindings of any policy; those whose `policyName` is the policy's apply, by name.
    ///   - attributes: the request (background scans use `CREATE`).
    ///   - namespaceObject: the request namespace's object when the caller has it; otherwise it is read from
    ///     `provider` (an object with only the name when it has none).
    public func evaluate(
        _ policy: CompiledValidatingAdmissionPolicy, bindings: [ValidatingAdmissionPolicyBinding],
        attributes: AdmissionAttributes, provider: any ContextProvider, namespaceObject: JSONValue? = nil
    ) async -> PolicyEvaluation {
        let name = policy.policy.name
        var evaluation = PolicyEvaluation(policyName: name, results: [])
        var namespace: JSONValue?
        if !attributes.namespace.isEmpty {
            namespace = namespaceObject
            if namespace == nil { namespace = try? await provider.namespaceObject(name: attributes.namespace) }
            if namespace == nil { namespace = ["metadata": ["name": .string(attributes.namespace)]] }
        }
        let namespaceLabels = namespace.map { ResourceIdentity($0).labels } ?? [:]
        let bound = bindings.filter { $0.policyName == name }.sorted { $0.name < $1.name }
        guard let constraints = policy.policy.spec.matchConstraints else { return evaluation }
        if cliMatching && !bound.isEmpty {
            guard Self.selectsKind(constraints, attributes) else { return evaluation }
        } else if !AdmissionMatcher.matches(constraints, attributes, namespaceLabels: namespaceLabels) {
            return evaluation
        }
        var base = CELActivation(values: [:])
        base.values["object"] = attributes.object.map(CELValue.init(json:)) ?? .null
        base.values["oldObject"] = attributes.oldObject.map(CELValue.init(json:)) ?? .null
        base.values["request"] = CELValue(json: attributes.requestValue)
        base.values["namespaceObject"] = CELValue(json: Self.namespaceValue(namespace))
        base.values["params"] = .null
        if bound.isEmpty {
            evaluation.results.append(Self.result(name, binding: nil, Self.decide(policy, [.null], base)))
            return evaluation
        }
        for binding in bound {
            if let match = binding.matchResources,
                !AdmissionMatcher.matches(match, attributes, namespaceLabels: namespaceLabels)
            {
                continue
            }
            var params: [CELValue] = [.null]
            if let ref = binding.paramRef {
                switch await Self.params(policy, ref, namespace: attributes.namespace, provider: provider) {
                case .failure(let error):
                    evaluation.results.append(
                        RuleResult(
                            ruleName: name, status: .error, message: error.message,
                            properties: [Self.bindingProperty: binding.name]))
                    continue
                case .success(let found):
                    // None found with `parameterNotFoundAction: Allow`: the binding admits without evaluating.
                    guard !found.isEmpty else { continue }
                    params = found
                }
            }
            evaluation.results.append(Self.result(name, binding: binding.name, Self.decide(policy, params, base)))
        }
        return evaluation
    }

    /// The CLI's selection by kind (`GetKinds`): a resource rule with groups and versions names the
    /// resource's group, version and resource (or `*`).
    static func selectsKind(_ constraints: AdmissionMatchResources, _ attributes: AdmissionAttributes) -> Bool {
        constraints.resourceRules.contains { rule in
            !rule.apiGroups.isEmpty && !rule.apiVersions.isEmpty
                && rule.apiGroups.contains { $0 == "*" || $0 == attributes.group }
                && rule.apiVersions.contains { $0 == "*" || $0 == attributes.version }
                && rule.resources.contains { $0 == "*" || $0 == attributes.resource }
        }
    }

    /// The parameter objects of a binding (Kubernetes' `CollectParams`), or the error that configuring the
    /// binding gives.
    static func params(
        _ policy: CompiledValidatingAdmissionPolicy, _ ref: ParamReference, namespace: String,
        provider: any ContextProvider
    ) async -> Result<[CELValue], EvaluationError> {
        guard let kind = policy.policy.spec.paramKind else {
            return .failure(
                EvaluationError("failed to configure binding: paramRef is set but the policy has no paramKind"))
        }
        var lookup = ref
        lookup.parameterNotFoundAction = nil
        switch await CELRuleValidator.collectParams(kind, lookup, namespace: namespace, provider: provider) {
        case .failure(let error):
            return .failure(EvaluationError("failed to configure binding: " + error.message))
        case .success(let found):
            if found.isEmpty, ref.parameterNotFoundAction == "Deny" {
                return .failure(
                    EvaluationError(
                        "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"
                    ))
            }
            return .success(found.map(CELValue.init(json:)))
        }
    }

    /// The validator's decision over every parameter value: the first denial or error decides; `skip`
    /// when the match conditions held for none.
    static func decide(_ policy: CompiledValidatingAdmissionPolicy, _ params: [CELValue], _ base: CELActivation)
        -> CELRuleValidator.Decision
    {
        var matched = false
        for param in params {
            var activation = base
            activation.values["params"] = param
            let decision = CELRuleValidator.decide(
                policy.programs, activation, failurePolicy: policy.policy.spec.failurePolicy)
            switch decision {
            case .preconditionsNotMet: continue
            case .admit: matched = true
            case .deny, .error: return decision
            }
        }
        return matched ? .admit : .preconditionsNotMet
    }

    static func result(_ name: String, binding: String?, _ decision: CELRuleValidator.Decision) -> RuleResult {
        let properties = binding.map { [bindingProperty: $0] } ?? [:]
        switch decision {
        case .preconditionsNotMet:
            return RuleResult(ruleName: name, status: .skip, message: skipMessage, properties: properties)
        case .deny(let message):
            return RuleResult(ruleName: name, status: .fail, message: message, properties: properties)
        case .error(let message):
            return RuleResult(ruleName: name, status: .error, message: message, properties: properties)
        case .admit:
            return RuleResult(ruleName: name, status: .pass, message: "", properties: properties)
        }
    }

    /// Kubernetes' `CreateNamespaceObject` as CEL sees it: selected metadata fields, spec and status, no
    /// `apiVersion`/`kind`; an empty Namespace when there is none (cluster-scoped resources).
    static func namespaceValue(_ namespace: JSONValue?) -> JSONValue {
        var metadata: JSONObject = ["creationTimestamp": .null]
        let source = namespace?["metadata"]?.objectValue ?? [:]
        for key in [
            "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
            "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "finalizers",
        ] {
            if let value = source[key] { metadata[key] = value }
        }
        return [
            "metadata": .object(metadata), "spec": namespace?["spec"] ?? .object([:]),
            "status": namespace?["status"] ?? .object([:]),
        ]
    }
}
