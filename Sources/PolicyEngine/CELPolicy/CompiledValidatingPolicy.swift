import CEL

/// CEL programs of one policy body: match conditions, variables, validations, audit annotations.
struct CELPolicyPrograms: Sendable {
    struct Validation: Sendable {
        var source: CELValidation
        var program: CELProgram
        var messageProgram: CELProgram?
    }

    var matchConditions: [(name: String, program: CELProgram)]
    var variables: [(name: String, program: CELProgram)]
    var validations: [Validation]
    var auditAnnotations: [(key: String, program: CELProgram)]

    /// - Throws: ``PolicyDecodingError`` naming the field of the first expression that does not compile.
    init(
        matchConditions: [NamedCELExpression], variables: [NamedCELExpression], validations: [CELValidation],
        auditAnnotations: [CELAuditAnnotation], path: String = "spec"
    ) throws(PolicyDecodingError) {
        let environment = KyvernoCELEnvironment.shared
        func compile(_ source: String, _ field: String) throws(PolicyDecodingError) -> CELProgram {
            do {
                return try environment.compile(source)
            } catch {
                throw PolicyDecodingError(fieldPath: path + "." + field, message: "compilation failed: \(error)")
            }
        }
        /// Each element's name with its expression compiled; `list` and `field` name the expression in errors.
        func named<Element>(
            _ elements: [Element], _ list: String, _ field: String, name: (Element) -> String,
            expression: (Element) -> String
        ) throws(PolicyDecodingError) -> [(String, CELProgram)] {
            var result: [(String, CELProgram)] = []
            for (index, element) in elements.enumerated() {
                result.append((name(element), try compile(expression(element), "\(list)[\(index)].\(field)")))
            }
            return result
        }
        self.matchConditions = try named(
            matchConditions, "matchConditions", "expression", name: \.name, expression: \.expression)
        self.variables = try named(variables, "variables", "expression", name: \.name, expression: \.expression)
        var compiledValidations: [Validation] = []
        for (index, validation) in validations.enumerated() {
            compiledValidations.append(
                Validation(
                    source: validation, program: try compile(validation.expression, "validations[\(index)].expression"),
                    messageProgram: try validation.messageExpression.map { (text) throws(PolicyDecodingError) in
                        try compile(text, "validations[\(index)].messageExpression")
                    }))
        }
        self.validations = compiledValidations
        self.auditAnnotations = try named(
            auditAnnotations, "auditAnnotations", "valueExpression", name: \.key, expression: \.valueExpression)
    }
}

/// A ValidatingPolicy prepared for evaluation: its expressions compiled, and the autogen variants for Pod
/// controllers generated and compiled. Build it once when the policy is loaded.
public struct CompiledValidatingPolicy: Sendable {
    /// One body to evaluate: the policy itself or an autogen variant (same name, other match constraints).
    struct Variant: Sendable {
        var matchConstraints: AdmissionMatchResources?
        var programs: CELPolicyPrograms
    }

    public let policy: ValidatingPolicy
    let variants: [Variant]

    /// - Throws: ``PolicyDecodingError`` when an expression of the policy (or of a generated variant) does
    ///   not compile; Kyverno then reports nothing for the policy.
    public init(_ policy: ValidatingPolicy) throws(PolicyDecodingError) {
        self.policy = policy
        var specs = [policy.spec]
        if policy.spec.evaluationMode == "Kubernetes" { specs += ValidatingPolicyAutogen.generate(policy.spec) }
        var variants: [Variant] = []
        do {
            for spec in specs {
                variants.append(
                    Variant(
                        matchConstraints: spec.matchConstraints,
                        programs: try CELPolicyPrograms(
                            matchConditions: spec.matchConditions, variables: spec.variables,
                            validations: spec.validations, auditAnnotations: spec.auditAnnotations)))
            }
        } catch {
            var labelled = error
            labelled.documentName = policy.name
            throw labelled
        }
        self.variants = variants
    }

    /// Whether the background scan runs this policy (`evaluation.background.enabled`).
    public var runsInBackground: Bool { policy.spec.backgroundEnabled }

    /// The kinds the policy (with its autogen variants) may match, from the resource rules' resources;
    /// `*` when any kind may match. Used to index policies; matching itself uses the resource names.
    public var matchedResources: Set<String> {
        var resources: Set<String> = []
        for variant in variants {
            guard let match = variant.matchConstraints else { continue }
            if match.resourceRules.isEmpty { resources.insert("*") }
            for rule in match.resourceRules {
                for resource in rule.resources {
                    resources.insert(String(resource.split(separator: "/").first ?? "*"))
                }
            }
        }
        if policy.spec.evaluationMode != "Kubernetes" { resources.insert("*") }
        return resources
    }
}

/// A CEL `PolicyException` with its match conditions compiled.
public struct CompiledCELPolicyException: Sendable {
    public let exception: CELPolicyException
    let matchConditions: [(name: String, program: CELProgram)]

    /// - Throws: ``PolicyDecodingError`` when a match condition does not compile.
    public init(_ exception: CELPolicyException) throws(PolicyDecodingError) {
        self.exception = exception
        do {
            matchConditions = try CELPolicyPrograms(
                matchConditions: exception.matchConditions, variables: [], validations: [], auditAnnotations: []
            ).matchConditions
        } catch {
            var labelled = error
            labelled.documentName = exception.name
            throw labelled
        }
    }
}
