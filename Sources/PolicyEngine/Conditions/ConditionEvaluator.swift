import JSONValue

/// Evaluates preconditions and deny conditions (Kyverno's `EvaluateConditions`): `any` passes when one
/// condition holds, `all` when every one does, both must pass; the legacy list needs every condition.
/// Returns the messages of the conditions that decided the outcome.
struct ConditionEvaluator {
    let context: EvaluationContext

    func evaluate(_ block: ConditionBlock) throws(EvaluationError) -> (passed: Bool, message: String) {
        switch block {
        case .legacy(let conditions):
            var messages: [String] = []
            for condition in conditions {
                let (passed, message) = try evaluate(condition)
                if !passed { return (false, message) }
                messages.append(message)
            }
            return (true, Self.joinNonEmpty(messages, ";"))
        case .anyAll(let any, let all):
            var anyPassed = true
            var allPassed = true
            var falseMessages: [String] = []
            var trueMessages: [String] = []
            if let any {
                anyPassed = false
                for condition in any {
                    let (passed, message) = try evaluate(condition)
                    if passed {
                        anyPassed = true
                        trueMessages.append(message)
                        break
                    }
                    falseMessages.append(message)
                }
            }
            for condition in all ?? [] {
                let (passed, message) = try evaluate(condition)
                if !passed {
                    allPassed = false
                    falseMessages.append(message)
                    break
                }
                trueMessages.append(message)
            }
            if anyPassed && allPassed { return (true, Self.joinNonEmpty(trueMessages, "; ")) }
            return (false, Self.joinNonEmpty(falseMessages, "; "))
        }
    }

    func evaluate(_ condition: Condition) throws(EvaluationError) -> (Bool, String) {
        let substitutor = VariableSubstitutor(context: context)
        /// `operand` with its variables substituted; `name` says which operand fails.
        func substituted(_ operand: JSONValue, _ name: String) throws(EvaluationError) -> JSONValue {
            do {
                return try substitutor.substituteAll(operand)
            } catch {
                throw EvaluationError(
                    "failed to substitute variables in condition \(name): \(error.message)",
                    isNotFound: error.isNotFound)
            }
        }
        let key = try substituted(condition.key, "key")
        let value = try substituted(condition.value, "value")
        return (condition.operator.evaluate(key: key, value: value), condition.message)
    }

    static func joinNonEmpty(_ parts: [String], _ separator: String) -> String {
        parts.filter { !$0.isEmpty }.joined(separator: separator)
    }
}
