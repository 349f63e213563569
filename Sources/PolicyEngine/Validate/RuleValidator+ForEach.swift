import JSONValue

extension RuleValidator {
    /// The most nested foreach levels Vigil evaluates.
    static let maximumNesting = 16

    /// Kyverno's `validateForEach`: each list is evaluated; a list whose path is missing (`Unknown key`)
    /// is skipped; the first element that does not pass decides the result.
    mutating func validateForEach(_ forEach: [ForEachValidation]) async -> RuleResult? {
        guard nesting < Self.maximumNesting else {
            return .error(rule, "failed to process foreach: nesting deeper than \(Self.maximumNesting) levels")
        }
        var applied = 0
        var listError: EvaluationError?
        for entry in forEach {
            let elements: [JSONValue]
            do {
                let list = try context.query(entry.list)
                if case .array(let array) = list {
                    elements = array
                } else {
                    elements = [list]
                }
            } catch {
                if error.message.contains("Unknown key") { continue }
                listError = error
                continue
            }
            let (result, count) = await validateElements(entry, elements)
            if result.status != .pass { return result }
            applied += count
        }
        if applied == 0 {
            if let listError { return .error(rule, "failed to evaluate list", listError) }
            return nil
        }
        return .pass(rule, "rule passed")
    }

    private func validateElements(_ entry: ForEachValidation, _ elements: [JSONValue]) async -> (RuleResult, Int) {
        var applied = 0
        for (index, element) in elements.enumerated() where !element.isNull {
            var child = self
            child.nesting = nesting + 1
            child.context.addElement(element, index: index, nesting: nesting)
            for (name, values) in loader.foreachValues where values.indices.contains(index) {
                child.context.set(name, values[index])
            }
            let isObject = element.objectValue != nil
            if let scope = entry.elementScope, scope, !isObject {
                return (
                    .error(
                        rule,
                        "failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=\(GoFormat.typeName(element))"
                    ), applied
                )
            }
            if entry.elementScope ?? isObject { child.element = element }
            let body = Body(
                contextEntries: entry.context, preconditions: entry.preconditions, pattern: entry.pattern,
                anyPattern: entry.anyPattern, deny: entry.deny, forEach: entry.forEach)
            guard let result = await child.validate(body) else { continue }
            switch result.status {
            case .skip: continue
            case .pass: applied += 1
            default:
                if result.status == .error, result.message.contains("failed to evaluate preconditions") { continue }
                var wrapped = result
                wrapped.message = "validation failure: " + result.message
                // Engine properties (a failed image lookup's `imageError` and `image`) survive the wrapping.
                wrapped.properties = result.properties.merging(rule.reportProperties) { _, declared in declared }
                return (wrapped, applied)
            }
        }
        return (.pass(rule, ""), applied)
    }
}
