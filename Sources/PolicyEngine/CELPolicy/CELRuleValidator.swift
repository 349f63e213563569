import CEL
import Failures
import JSONValue
import OrderedCollections

/// The programs of one `validate.cel` rule. An expression that does not compile keeps its compile error:
/// Kubernetes' validator reports it as that expression's evaluation error (`compilation error: …`).
struct CELRulePrograms: Sendable {
    typealias Compiled = Result<CELProgram, CELError>

    struct Expression: Sendable {
        var source: CELValidation
        var program: Compiled
        var messageProgram: Compiled?
    }

    var preconditions: [(expression: String, program: Compiled)]
    var variables: [(name: String, program: Compiled)]
    var expressions: [Expression]

    /// The programs of a `validate.cel` rule (Kyverno's environment); an expression without a message
    /// takes the rule's.
    init(_ cel: CELRuleValidation, ruleMessage: String?) {
        let expressions = cel.expressions.map { expression in
            var source = expression
            if (source.message ?? "").isEmpty { source.message = ruleMessage }
            return source
        }
        self.init(
            preconditions: cel.preconditions, variables: cel.variables, expressions: expressions,
            environment: KyvernoCELEnvironment.shared)
    }

    /// The programs of match conditions (`preconditions`), variables and validations compiled in
    /// `environment`.
    init(
        preconditions: [NamedCELExpression], variables: [NamedCELExpression], expressions: [CELValidation],
        environment: CELEnvironment
    ) {
        func compile(_ text: String) -> Compiled {
            do {
                return .success(try environment.compile(text))
            } catch {
                return .failure(CELError("compilation error: compilation failed: \(error)"))
            }
        }
        self.preconditions = preconditions.map { ($0.expression, compile($0.expression)) }
        self.variables = variables.map { ($0.name, compile($0.expression)) }
        self.expressions = expressions.map { expression in
            Expression(
                source: expression, program: compile(expression.expression),
                messageProgram: expression.messageExpression.map(compile))
        }
    }
}

/// `validate.cel` of a ClusterPolicy/Policy rule, as Kyverno's `validateCELHandler` runs it through
/// Kubernetes' ValidatingAdmissionPolicy validator with failure policy `Fail`: `celPreconditions` that are not
/// all true skip the rule ("cel preconditions not met"); the first expression that is not true fails it
/// (its messageExpression, message, the rule's message, or `failed expression: …`); an expression that
/// cannot be evaluated fails it too, with Kubernetes' `expression '…' resulted in error: …`; otherwise
/// "Validation rule '<name>' passed.". With `paramKind`/`paramRef` the expressions run once per parameter
/// object (none found: pass; `parameterNotFoundAction: Deny`: error).
enum CELRuleValidator {
    static func validate(
        _ rule: Rule, cel: CELRuleValidation, programs: CELRulePrograms, context: EvaluationContext,
        provider: any ContextProvider
    ) async -> RuleResult {
        let resource = context.document["request"]?["object"] ?? .null
        let oldObject = context.document["request"]?["oldObject"]
        let userInfo = context.document["request"]?["userInfo"] ?? .object([:])
        let attributes = AdmissionAttributes(
            object: resource, oldObject: oldObject.flatMap { $0.isNull ? nil : $0 }, operation: context.operation,
            userInfo: userInfo)
        var namespace: JSONValue?
        if !attributes.namespace.isEmpty {
            // Kyverno reads the Namespace from the cluster; without one (the CLI) it uses an object with only
            // the name.
            namespace =
                (try? await provider.namespaceObject(name: attributes.namespace))
                ?? .object(["metadata": .object(["name": .string(attributes.namespace)])])
        }
        var params: [CELValue] = [.null]
        if let kind = cel.paramKind {
            switch await collectParams(kind, cel.paramRef, namespace: attributes.namespace, provider: provider) {
            case .success(let found): params = found.map(CELValue.init(json:))
            case .failure(let error): return .error(rule, "error in parameterized resource", error)
            }
        }
        let session = CELDataSession()
        var base = CELActivation(values: session.variables(namespace: ""))
        base.values["object"] = CELValue(json: resource)
        base.values["oldObject"] = attributes.oldObject.map(CELValue.init(json:)) ?? .null
        base.values["request"] = CELValue(json: attributes.requestValue)
        base.values["namespaceObject"] = namespace.map(CELValue.init(json:)) ?? .null
        for param in params {
            var activation = base
            activation.values["params"] = param
            let decision = await session.evaluate(provider: provider) { decide(programs, activation) }
            switch decision {
            case .preconditionsNotMet: return .skip(rule, "cel preconditions not met")
            case .deny(let message), .error(let message): return .fail(rule, message)
            case .admit: continue
            }
        }
        return .pass(rule, "Validation rule '\(rule.name)' passed.")
    }

    /// Kubernetes' validator's verdict (`validating.ValidateResult`) reduced to what reports need.
    enum Decision {
        /// A match condition is false (or, with `failurePolicy: Ignore`, could not be evaluated).
        case preconditionsNotMet
        /// A validation is not true: the message.
        case deny(String)
        /// A match condition or validation could not be evaluated (`EvalError`): the message.
        case error(String)
        case admit
    }

    /// Kubernetes' `validator.Validate` for one parameter value: match conditions (errors aggregated as
    /// `utilerrors.NewAggregate` prints them, or no match with `failurePolicy: Ignore`), then the
    /// validations in order; the first that is not true decides.
    static func decide(_ programs: CELRulePrograms, _ activation: CELActivation, failurePolicy: FailurePolicy = .fail)
        -> Decision
    {
        func evaluate(_ expression: String, _ compiled: CELRulePrograms.Compiled, in activation: CELActivation)
            -> Result<CELValue, CELError>
        {
            switch compiled {
            case .failure(let error): return .failure(error)
            case .success(let program):
                let value = activation.evaluate(program)
                if case .error(let error) = value {
                    return .failure(CELError("expression '\(expression)' resulted in error: \(error.message)"))
                }
                return .success(value)
            }
        }
        var errors: [String] = []
        for precondition in programs.preconditions {
            switch evaluate(precondition.expression, precondition.program, in: activation) {
            case .failure(let error): errors.append(error.message)
            case .success(.bool(false)): return .preconditionsNotMet
            case .success: continue
            }
        }
        if !errors.isEmpty, failurePolicy == .ignore { return .preconditionsNotMet }
        if errors.count == 1 { return .error(errors[0]) }
        if errors.count > 1 { return .error("[" + errors.joined(separator: ", ") + "]") }
        var scope = activation
        var values: [(String, CELValue)] = []
        for variable in programs.variables {
            scope.values["variables"] = variablesMap(values)
            switch variable.program {
            case .success(let program): values.append((variable.name, scope.evaluate(program)))
            case .failure(let error): values.append((variable.name, .error(error)))
            }
        }
        scope.values["variables"] = variablesMap(values)
        for expression in programs.expressions {
            let outcome = evaluate(expression.source.expression, expression.program, in: scope)
            switch outcome {
            case .failure(let error):
                return .error(error.message)
            case .success(.bool(true)):
                continue
            case .success:
                var message = ""
                if let messageProgram = expression.messageProgram,
                    case .success(let program) = messageProgram, case .string(let text) = scope.evaluate(program)
                {
                    message = text.trimmingWhitespace()
                    if message.count > 5000 || message.contains("\n") { message = "" }
                }
                if message.isEmpty { message = (expression.source.message ?? "").trimmingWhitespace() }
                if message.isEmpty {
                    message = "failed expression: " + expression.source.expression.trimmingWhitespace()
                }
                return .deny(message)
            }
        }
        return .admit
    }

    static func variablesMap(_ values: [(String, CELValue)]) -> CELValue {
        var map = OrderedDictionary<CELMapKey, CELValue>()
        for (name, value) in values { map[.string(name)] = value }
        return .map(CELMap(map))
    }

    /// Kyverno's `CollectParams`: the parameter objects a rule runs against.
    static func collectParams(
        _ kind: (apiVersion: String, kind: String), _ ref: ParamReference?, namespace: String,
        provider: any ContextProvider
    ) async -> Result<[JSONValue], EvaluationError> {
        let resource = AdmissionAttributes.guessResource(kind: kind.kind)
        // The scope of the parameter kind is unknown here: try the namespaced path first, then the cluster one.
        let preferred = ref?.namespace ?? namespace
        var found: [JSONValue] = []
        for candidate in preferred.isEmpty ? [""] : [preferred, ""] {
            let base = CELDataSession.path(apiVersion: kind.apiVersion, resource: resource, namespace: candidate)
            do {
                if let name = ref?.name, !name.isEmpty {
                    found = [try await provider.apiCall(APICallRequest(urlPath: base + "/" + name, method: "GET"))]
                } else if let selector = ref?.selector {
                    let list = try await provider.apiCall(APICallRequest(urlPath: base, method: "GET"))
                    found = (list["items"]?.arrayValue ?? []).filter {
                        selector.matchesExactly(ResourceIdentity($0).labels)
                    }
                }
            } catch let error as ContextProviderError where error.kind == .notFound {
                continue
            } catch {
                return .failure(EvaluationError("\(error)"))
            }
            if !found.isEmpty { break }
        }
        if found.isEmpty, ref?.parameterNotFoundAction == "Deny" { return .failure(EvaluationError("no params found")) }
        return .success(found)
    }
}
