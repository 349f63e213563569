import CEL
import Foundation
public import JSONValue

/// Evaluates ValidatingPolicies (and NamespacedValidatingPolicies) against resources as Kyverno's vpol engine
/// does (`pkg/cel/policies/vpol/engine`): `matchConstraints` (for the policy and each autogen variant),
/// CEL PolicyExceptions, match conditions, variables, validations, audit annotations. Pure apart from the
/// ``ContextProvider``, which answers the namespace object and the data functions (`resource.Get`, `http.Get`,
/// `globalContext.Get`, `image.GetMetadata`).
///
/// Results follow Kyverno's rule responses for these kinds: one result per policy and resource, with an
/// empty rule name (`pass` "success", `fail` with the validation's message, `error` "error: …"); `exception`
/// for an exempted resource; `evaluation` ("failed to load context: …") when match conditions or audit
/// annotations cannot be evaluated. `cel.validationIndex` and the audit annotations are result properties.
public struct ValidatingPolicyEvaluator: Sendable {
    /// Whether a resource whose match conditions are false gets a `skip` result ("skip"), as `kyverno test`
    /// shows; the background scan drops those (`filterMatchConditionSkips`), which is the default.
    public var reportsMatchConditionSkips: Bool

    public init(reportsMatchConditionSkips: Bool = false) {
        self.reportsMatchConditionSkips = reportsMatchConditionSkips
    }

    /// The property naming the validation that failed or could not be evaluated (0-based).
    public static let validationIndexProperty = "cel.validationIndex"

    /// The results of `policy` for one request; empty when no variant's constraints match, or when a
    /// NamespacedValidatingPolicy meets a resource of another namespace.
    ///
    /// - Parameters:
    ///   - attributes: the request (``AdmissionAttributes``; background scans use `CREATE`).
    ///   - namespaceObject: the request namespace's object when the caller has it; otherwise it is read from
    ///     `provider` (``ContextProvider/namespaceObject(name:)``) when the request is namespaced.
    ///   - exceptions: CEL PolicyExceptions; those whose `policyRefs` name this policy and whose `expiresAt`
    ///     has not passed apply.
    public func evaluate(
        _ policy: CompiledValidatingPolicy, attributes: AdmissionAttributes, provider: any ContextProvider,
        namespaceObject: JSONValue? = nil, exceptions: [CompiledCELPolicyException] = []
    ) async -> PolicyEvaluation {
        let spec = policy.policy.spec
        // A NamespacedValidatingPolicy applies to its own namespace only (Kyverno lists them per namespace).
        if policy.policy.kind == .namespacedValidatingPolicy, attributes.namespace != policy.policy.namespace {
            return PolicyEvaluation(policyName: policy.policy.reportName, results: [])
        }
        let now = Int64(Date().timeIntervalSince1970)
        let relevant = exceptions.filter {
            $0.exception.refers(to: policy.policy.name, kind: policy.policy.kind.rawValue)
                && !$0.exception.isExpired(now: now)
        }
        var namespace = namespaceObject
        if namespace == nil, !attributes.namespace.isEmpty {
            namespace = try? await provider.namespaceObject(name: attributes.namespace)
        }
        let namespaceLabels = namespace.map { ResourceIdentity($0).labels } ?? [:]
        let session = CELDataSession()
        var base = CELActivation(values: session.variables(namespace: policy.policy.namespace ?? ""))
        base.values["object"] = attributes.object.map(CELValue.init(json:)) ?? .null
        let isJSON = spec.evaluationMode != "Kubernetes"
        if !isJSON {
            base.values["oldObject"] = attributes.oldObject.map(CELValue.init(json:)) ?? .null
            base.values["request"] = CELValue(json: attributes.requestValue)
            base.values["namespaceObject"] = namespace.map(CELValue.init(json:)) ?? .null
        }
        var results: [RuleResult] = []
        for variant in policy.variants {
            if !isJSON {
                guard let constraints = variant.matchConstraints,
                    AdmissionMatcher.matches(constraints, attributes, namespaceLabels: namespaceLabels)
                else { continue }
            }
            let outcome = await session.evaluate(provider: provider) {
                CELPolicyRun.run(variant.programs, base: base, failurePolicy: spec.failurePolicy, exceptions: relevant)
            }
            if let result = Self.result(outcome, reportsMatchConditionSkips: reportsMatchConditionSkips) {
                results.append(result)
            }
        }
        return PolicyEvaluation(policyName: policy.policy.reportName, results: results)
    }

    /// Kyverno's rule response for an outcome (`handlePolicy`).
    static func result(_ outcome: CELPolicyOutcome, reportsMatchConditionSkips: Bool) -> RuleResult? {
        switch outcome {
        case .notMatched:
            guard reportsMatchConditionSkips else { return nil }
            return RuleResult(ruleName: "", status: .skip, message: "skip")
        case .failedToLoad(let message):
            return RuleResult(ruleName: "evaluation", status: .error, message: "failed to load context: " + message)
        case .exempted(let exceptions):
            var selected = exceptions[0]
            var highest = 0
            for exception in exceptions {
                if let priority = exception.labels["polex.kyverno.io/priority"].flatMap({ Int($0) }),
                    priority > highest
                {
                    highest = priority
                    selected = exception
                }
            }
            let keys = exceptions.map(\.key).joined(separator: ", ")
            let passes = selected.reportResult == "pass"
            return RuleResult(
                ruleName: "exception", status: passes ? .pass : .skip,
                message: "rule is \(passes ? "passed" : "skipped") due to policy exception: " + keys,
                properties: ["exceptions": exceptions.map(\.name).joined(separator: ",")])
        case .error(let message, let index):
            return RuleResult(
                ruleName: "", status: .error, message: "error: " + message,
                properties: [validationIndexProperty: String(index)])
        case .pass(let annotations):
            return RuleResult(ruleName: "", status: .pass, message: "success", properties: annotations)
        case .fail(let message, let index, let annotations):
            var properties = annotations
            if properties[validationIndexProperty] == nil { properties[validationIndexProperty] = String(index) }
            return RuleResult(ruleName: "", status: .fail, message: message, properties: properties)
        }
    }
}
