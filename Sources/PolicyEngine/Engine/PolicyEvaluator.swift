public import JSONValue

/// Evaluates compiled policies against resources, as Kyverno's background scan does: operation CREATE, no
/// user information, validate rules only. Pure apart from the ``ContextProvider``.
public struct PolicyEvaluator: Sendable {
    public let queries: QueryEngine
    /// Whether `failurePolicy: Ignore` turns a failed `imageRegistry` lookup or `apiCall.service` call into
    /// `skip` (the default, as Kyverno documents for external data failures). `false` keeps `error`, as
    /// Kyverno's own background scan does.
    public var ignoreSkipsImageLookupErrors: Bool

    /// - Parameters:
    ///   - queries: the JMESPath engine with Kyverno's functions.
    ///   - ignoreSkipsImageLookupErrors: see ``ignoreSkipsImageLookupErrors``.
    public init(queries: QueryEngine, ignoreSkipsImageLookupErrors: Bool = true) {
        self.queries = queries
        self.ignoreSkipsImageLookupErrors = ignoreSkipsImageLookupErrors
    }

    /// The results of every rule of `policy` that matches `resource`. Rules that do not match produce no
    /// result; a rule that cannot be evaluated produces an `error` result and never hides the others.
    ///
    /// - Parameters:
    ///   - operation: `CREATE` for background scans.
    ///   - namespaceLabels: labels of the resource's namespace when the caller already has them; otherwise
    ///     they are read from `provider` when a rule needs them.
    ///   - values: values that replace computed ones (the CLI's values files); empty for background scans.
    ///   - exceptions: PolicyExceptions to honour; those naming a matched rule of this policy and matching the
    ///     resource (and their conditions) turn its result into `skip`, or exempt Pod Security controls.
    public func evaluate(
        _ policy: CompiledPolicy, resource: JSONValue, provider: any ContextProvider, operation: String = "CREATE",
        namespaceLabels: [String: String]? = nil, values: VariableValues = VariableValues(),
        exceptions: [PolicyException] = []
    ) async -> PolicyEvaluation {
        var identity = ResourceIdentity(resource)
        var labels = namespaceLabels
        var results: [RuleResult] = []
        var baseContext = EvaluationContext(
            resource: resource, operation: operation, namespace: identity.namespace, queries: queries,
            withImages: policy.usesImages)
        for (name, value) in values.global.sorted(by: { $0.key < $1.key }) { baseContext.set(name, value) }
        // Values for `request.object...` change the resource itself, as the CLI reads the resource back from
        // the context after adding values.
        if values.global.keys.contains(where: { $0 == "request.object" || $0.hasPrefix("request.object.") }),
            let object = baseContext.document["request"]?["object"], object.objectValue != nil
        {
            identity = ResourceIdentity(object)
        }
        for (index, rule) in policy.rules.enumerated() where rule.type == .validate {
            let matcher = policy.matchers[index]
            if labels == nil, matcher.needsNamespaceLabels {
                labels = await Self.namespaceLabels(of: identity, provider: provider)
            }
            let mismatches = matcher.mismatches(
                identity, namespaceLabels: labels ?? [:], policyNamespace: policy.policy.namespace, operation: operation
            )
            guard mismatches.isEmpty else { continue }
            var ruleExceptions: [PolicyException] = []
            for exception in exceptions where exception.contains(policy: policy.policy.reportName, rule: rule.name) {
                guard !exception.match.any.isEmpty || !exception.match.all.isEmpty else { continue }
                if labels == nil, exception.matcher.needsNamespaceLabels {
                    labels = await Self.namespaceLabels(of: identity, provider: provider)
                }
                let misses = exception.matcher.mismatches(
                    identity, namespaceLabels: labels ?? [:], policyNamespace: nil, operation: operation)
                if misses.isEmpty { ruleExceptions.append(exception) }
            }
            var ruleContext = baseContext
            let ruleValues = values.values(forRule: rule.name)
            for (name, value) in ruleValues.sorted(by: { $0.key < $1.key }) { ruleContext.set(name, value) }
            let ruleLoader = ContextLoader(
                provider: provider, policyNamespace: policy.policy.namespace,
                suppliedNames: Set(ruleValues.keys).union(values.global.keys),
                foreachValues: values.foreachValues(forRule: rule.name))
            if var result = await evaluate(
                rule, context: ruleContext, loader: ruleLoader, exceptions: ruleExceptions,
                celPrograms: policy.celPrograms[rule.name])
            {
                if result.isImageLookupError || result.isServiceCallError, ignoreSkipsImageLookupErrors,
                    policy.policy.spec.failurePolicy == .ignore
                {
                    result.status = .skip
                }
                results.append(result)
            }
            if policy.policy.spec.applyRules == .one,
                results.contains(where: { $0.status == .pass || $0.status == .fail })
            {
                break
            }
        }
        return PolicyEvaluation(policyName: policy.policy.reportName, results: results)
    }

    private static func namespaceLabels(of identity: ResourceIdentity, provider: any ContextProvider) async -> [String:
        String]
    {
        let namespace = identity.kind == "Namespace" ? identity.name : identity.namespace
        guard !namespace.isEmpty else { return [:] }
        return (try? await provider.namespaceLabels(namespace: namespace)) ?? [:]
    }

    /// One matched validate rule: context, preconditions, then the validation.
    func evaluate(
        _ rule: Rule, context base: EvaluationContext, loader: ContextLoader, exceptions: [PolicyException] = [],
        celPrograms: CELRulePrograms? = nil
    ) async -> RuleResult? {
        guard let validation = rule.validation else { return nil }
        if let feature = validation.unsupported { return .error(rule, "unsupported: \(feature)") }
        var context = base
        if let ended = await loader.prepare(
            rule, entries: rule.context, preconditions: rule.preconditions, into: &context)
        {
            return ended
        }
        var properties = rule.reportProperties
        for (key, value) in properties where value.contains("{{") {
            if let substituted = try? VariableSubstitutor(context: context).substitute(string: value) {
                properties[key] = substituted.stringValue ?? substituted.serialized()
            }
        }
        let matched = exceptions.filter { exception in
            guard let conditions = exception.conditions else { return true }
            // An exception whose conditions cannot be evaluated is ignored, as Kyverno does.
            return (try? ConditionEvaluator(context: context).evaluate(conditions).0) ?? false
        }
        var result: RuleResult?
        if let skip = Self.exceptionSkip(rule, matched, podSecurity: validation.podSecurity != nil) {
            result = skip
        } else if let cel = validation.cel {
            result = await CELRuleValidator.validate(
                rule, cel: cel, programs: celPrograms ?? CELRulePrograms(cel, ruleMessage: validation.message),
                context: context, provider: loader.provider)
        } else if let podSecurity = validation.podSecurity {
            result = PodSecurityEvaluator.evaluate(
                podSecurity, rule: rule, resource: base.document["request"]?["object"] ?? .null, exceptions: matched)
        } else {
            var validator = RuleValidator(rule: rule, validation: validation, loader: loader, context: context)
            result = await validator.validate(
                RuleValidator.Body(
                    contextEntries: [], preconditions: nil, pattern: validation.pattern,
                    anyPattern: validation.anyPattern, deny: validation.deny, forEach: validation.forEach))
        }
        guard var result else { return nil }
        for (key, value) in properties { result.properties[key] = value }
        return result
    }

    /// The skip a matching exception causes: any exception for a rule without `podSecurity`; for a
    /// `podSecurity` rule, only an exception that has no `podSecurity` exemptions of its own.
    static func exceptionSkip(_ rule: Rule, _ matched: [PolicyException], podSecurity: Bool) -> RuleResult? {
        guard !matched.isEmpty else { return nil }
        var result: RuleResult
        if podSecurity {
            guard let exception = matched.first(where: { $0.podSecurity.isEmpty }) else { return nil }
            result = .skip(rule, "rule is skipped due to policy exception " + exception.key)
            result.properties["exceptions"] = exception.name
        } else {
            // Kyverno joins the keys straight onto the text, without a space.
            result = .skip(
                rule, "rule is skipped due to policy exceptions" + matched.map(\.key).joined(separator: ", "))
            result.properties["exceptions"] = matched.map(\.name).joined(separator: ",")
        }
        return result
    }
}
