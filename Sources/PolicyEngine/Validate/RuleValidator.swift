import JSONValue

/// Kyverno's validate handler (pkg/engine/handlers/validation/validate_resource.go) for one rule, or for
/// one foreach level: deny, pattern / anyPattern, or foreach, with Kyverno's messages.
struct RuleValidator {
    let rule: Rule
    let validation: Validation
    let loader: ContextLoader
    var context: EvaluationContext
    /// The foreach element a scoped foreach validates, when there is one.
    var element: JSONValue?
    var nesting = 0

    /// The body of one level: what to validate.
    struct Body {
        var contextEntries: [ContextEntry]
        var preconditions: ConditionBlock?
        var pattern: JSONValue?
        var anyPattern: [JSONValue]?
        var deny: Deny?
        var forEach: [ForEachValidation]?
    }

    /// Runs one level. Returns nil when nothing applied (a foreach with no elements), as Kyverno does.
    mutating func validate(_ body: Body) async -> RuleResult? {
        if let ended = await loader.prepare(
            rule, entries: body.contextEntries, preconditions: body.preconditions, into: &context)
        {
            return ended
        }
        if let deny = body.deny { return validateDeny(deny) }
        if body.pattern != nil || body.anyPattern != nil {
            return validatePatterns(pattern: body.pattern, anyPattern: body.anyPattern)
        }
        if let forEach = body.forEach { return await validateForEach(forEach) }
        return nil
    }

    // MARK: deny

    private func validateDeny(_ deny: Deny) -> RuleResult {
        var denied = true
        var message = ""
        if let conditions = deny.conditions {
            do {
                (denied, message) = try ConditionEvaluator(context: context).evaluate(conditions)
            } catch {
                return .error(rule, "failed to check deny conditions", error)
            }
        }
        guard denied else { return .pass(rule, "validation rule '\(rule.name)' passed.") }
        let ruleMessage = validation.message ?? ""
        if ruleMessage.isEmpty && message.isEmpty { return .fail(rule, "validation error: rule \(rule.name) failed") }
        let combined = ConditionEvaluator.joinNonEmpty([ruleMessage, message], "; ")
        guard let substituted = try? VariableSubstitutor(context: context).substitute(string: combined) else {
            return .fail(rule, message)
        }
        guard case .string(let text) = substituted else {
            return .fail(rule, "the produced message didn't resolve to a string, check your policy definition.")
        }
        return .fail(rule, text)
    }

    // MARK: pattern and anyPattern

    private func validatePatterns(pattern: JSONValue?, anyPattern: [JSONValue]?) -> RuleResult? {
        let substitutor = VariableSubstitutor(context: context)
        let target = element ?? context.document["request"]?["object"] ?? .null
        if let pattern {
            let resolved: JSONValue
            do {
                resolved = try substitutor.substituteAll(pattern)
            } catch {
                return .error(rule, "variable substitution failed", error)
            }
            switch PatternMatcher.match(target, pattern: resolved) {
            case .pass: return .pass(rule, "validation rule '\(rule.name)' passed.")
            case .skip(let message): return .skip(rule, message)
            case .error(let message): return .error(rule, errorMessage(message, path: ""))
            case .fail(let message, let path): return .fail(rule, errorMessage(message, path: path))
            }
        }
        guard let anyPattern else { return nil }
        let resolved: JSONValue
        do {
            resolved = try substitutor.substituteAll(.array(anyPattern))
        } catch {
            return .error(rule, "variable substitution failed", error)
        }
        var failures: [String] = []
        var skips: [String] = []
        for (index, candidate) in (resolved.arrayValue ?? []).enumerated() {
            switch PatternMatcher.match(target, pattern: candidate) {
            case .pass:
                return .pass(rule, "validation rule '\(rule.name)' anyPattern[\(index)] passed.")
            case .skip(let message):
                skips.append("rule \(rule.name)[\(index)] skipped: \(message)")
            case .error(let message):
                failures.append("rule \(rule.name)[\(index)] failed: \(message)")
            case .fail(_, let path):
                failures.append("rule \(rule.name)[\(index)] failed at path \(path)")
            }
        }
        if !skips.isEmpty, failures.isEmpty { return .skip(rule, skips.joined(separator: " ")) }
        if !failures.isEmpty { return .fail(rule, anyPatternMessage(failures)) }
        return .pass(rule, validation.message ?? "")
    }

    /// Kyverno's `buildErrorMessage`.
    private func errorMessage(_ error: String, path: String) -> String {
        guard let message = validation.message, !message.isEmpty else {
            if !path.isEmpty { return "validation error: rule \(rule.name) failed at path \(path)" }
            return "validation error: rule \(rule.name) execution error: \(error)"
        }
        guard let substituted = try? VariableSubstitutor(context: context).substitute(string: message) else {
            return "validation error: variables substitution error in rule \(rule.name) execution error: \(error)"
        }
        var text = substituted.stringValue ?? substituted.serialized()
        if !text.hasSuffix(".") { text += "." }
        if !path.isEmpty { return "validation error: \(text) rule \(rule.name) failed at path \(path)" }
        return "validation error: \(text) rule \(rule.name) execution error: \(error)"
    }

    /// Kyverno's `buildAnyPatternErrorMessage`.
    private func anyPatternMessage(_ failures: [String]) -> String {
        let joined = failures.joined(separator: " ")
        guard let message = validation.message, !message.isEmpty else { return "validation error: \(joined)" }
        guard let substituted = try? VariableSubstitutor(context: context).substitute(string: message) else {
            return "validation error: variables substitution error in rule \(rule.name) execution error: \(joined)"
        }
        let text = substituted.stringValue ?? substituted.serialized()
        return text.hasSuffix(".") ? "validation error: \(text) \(joined)" : "validation error: \(text). \(joined)"
    }
}
