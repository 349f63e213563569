import CEL
import JSONValue
import OrderedCollections

/// What evaluating one CEL policy body against one request gives (Kyverno's vpol `EvaluationResult`).
enum CELPolicyOutcome: Sendable {
    /// The match conditions are not all true.
    case notMatched
    /// Match conditions (of the policy or of an exception) could not be evaluated, or audit annotations
    /// failed after every validation passed: Kyverno's "failed to load context".
    case failedToLoad(String)
    /// Exceptions without `images` / `allowedValues` matched.
    case exempted([CELPolicyException])
    /// Validation `index` could not be evaluated.
    case error(String, index: Int)
    case pass(auditAnnotations: [String: String])
    case fail(String, index: Int, auditAnnotations: [String: String])
}

/// The variable values of one evaluation, by name.
struct CELActivation {
    var values: [String: CELValue]

    func evaluate(_ program: CELProgram) -> CELValue { program.evaluate(values) }
}

/// Kyverno's vpol evaluation (`pkg/cel/policies/vpol/compiler/policy.go`): exceptions, match conditions,
/// variables, validations in order (the first one that is not true decides), audit annotations.
enum CELPolicyRun {
    /// cel-go's message for a result that is not of the wanted type.
    static func conversionError(_ value: CELValue, to type: String) -> String {
        "type conversion error from '\(value.celType.name)' to '\(type)'"
    }

    /// `match`: false as soon as one condition is false; errors (or non-booleans) otherwise fail the match,
    /// or with `failurePolicy: Ignore` mean no match.
    static func match(
        _ conditions: [(name: String, program: CELProgram)], _ activation: CELActivation, failurePolicy: FailurePolicy
    ) -> Result<Bool, CELError> {
        var errors: [String] = []
        for condition in conditions {
            let value = activation.evaluate(condition.program)
            switch value {
            case .bool(false): return .success(false)
            case .bool(true): continue
            case .error(let error): errors.append(error.message)
            default: errors.append(conversionError(value, to: "bool"))
            }
        }
        if errors.isEmpty { return .success(true) }
        if failurePolicy == .ignore { return .success(false) }
        return .failure(CELError(errors.joined(separator: "; ")))
    }

    static func run(
        _ programs: CELPolicyPrograms, base: CELActivation, failurePolicy: FailurePolicy,
        exceptions: [CompiledCELPolicyException]
    ) -> CELPolicyOutcome {
        var activation = base
        var allowedImages: [CELValue] = []
        var allowedValues: [CELValue] = []
        if !exceptions.isEmpty {
            var matched: [CELPolicyException] = []
            var fullExemption = false
            for exception in exceptions {
                switch match(exception.matchConditions, activation, failurePolicy: failurePolicy) {
                case .failure(let error):
                    if fullExemption { continue }
                    return .failedToLoad(error.message)
                case .success(false):
                    continue
                case .success(true):
                    matched.append(exception.exception)
                    if exception.exception.images.isEmpty, exception.exception.allowedValues.isEmpty {
                        fullExemption = true
                    } else if !fullExemption {
                        allowedImages += exception.exception.images.map { .string($0) }
                        allowedValues += exception.exception.allowedValues.map { .string($0) }
                    }
                }
            }
            if fullExemption { return .exempted(matched) }
        }
        activation.values["exceptions"] = .map(
            CELMap([
                .string("allowedImages"): .list(CELList(allowedImages)),
                .string("allowedValues"): .list(CELList(allowedValues)),
            ]))
        switch match(programs.matchConditions, activation, failurePolicy: failurePolicy) {
        case .failure(let error): return .failedToLoad(error.message)
        case .success(false): return .notMatched
        case .success(true): break
        }
        activation.values["variables"] = variables(programs.variables, activation)
        for (index, validation) in programs.validations.enumerated() {
            let value = activation.evaluate(validation.program)
            switch value {
            case .bool(true):
                continue
            case .bool(false):
                var message = validation.source.message ?? ""
                if let messageProgram = validation.messageProgram {
                    switch activation.evaluate(messageProgram) {
                    case .string(let text): message = text
                    case .error(let error): message = "failed to evaluate message expression: \(error.message)"
                    case let other:
                        message =
                            "failed to convert message expression to string: \(conversionError(other, to: "string"))"
                    }
                }
                if message.isEmpty { message = "CEL expression validation failed at index \(index)" }
                switch auditAnnotations(programs.auditAnnotations, activation) {
                case .success(let annotations): return .fail(message, index: index, auditAnnotations: annotations)
                case .failure(let error): return .error(error.message, index: index)
                }
            case .error(let error):
                return .error(error.message, index: index)
            default:
                return .error(conversionError(value, to: "bool"), index: index)
            }
        }
        switch auditAnnotations(programs.auditAnnotations, activation) {
        case .success(let annotations): return .pass(auditAnnotations: annotations)
        case .failure(let error): return .failedToLoad(error.message)
        }
    }

    /// The `variables` map. Kyverno evaluates variables lazily; here each is evaluated once, in order, and
    /// sees the ones before it. A variable that fails holds its error, which surfaces only where it is used.
    static func variables(_ variables: [(name: String, program: CELProgram)], _ activation: CELActivation) -> CELValue {
        var values = OrderedDictionary<CELMapKey, CELValue>()
        var scope = activation
        for variable in variables {
            scope.values["variables"] = .map(CELMap(values))
            values[.string(variable.name)] = scope.evaluate(variable.program)
        }
        return .map(CELMap(values))
    }

    static func auditAnnotations(_ annotations: [(key: String, program: CELProgram)], _ activation: CELActivation)
        -> Result<[String: String], CELError>
    {
        var result: [String: String] = [:]
        for annotation in annotations {
            switch activation.evaluate(annotation.program) {
            case .string(let text):
                if !text.isEmpty { result[annotation.key] = text }
            case .error(let error):
                return .failure(CELError("failed to evaluate auditAnnotation '\(annotation.key)': \(error.message)"))
            case let other:
                return .failure(
                    CELError(
                        "failed to convert auditAnnotation '\(annotation.key)' expression: "
                            + conversionError(other, to: "string")))
            }
        }
        return .success(result)
    }
}
