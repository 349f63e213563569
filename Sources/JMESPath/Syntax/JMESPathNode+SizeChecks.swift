import JSONValue

/// Where evaluation must count the size of built values.
///
/// A multi-select or a function call builds a new value out of its inputs. When those inputs are parts of
/// the searched document, the result is at most a few times the document's size (bounded by the
/// expression's length), so counting it would only cost time. Only when a builder's input may itself hold
/// built values (`@ | [@, @] | [@, @] | ...`, `[[@], [@]]`) can repeated sharing grow the logical size
/// exponentially; those builders are wrapped in ``JMESPathNode/sizeChecked(_:)``.
///
/// Recursion follows the tree, whose height the parser bounds.
extension JMESPathNode {
    /// Whether the node's value may contain values built by multi-selects or function calls.
    var buildsValues: Bool {
        switch self {
        case .multiSelectList, .multiSelectHash, .function, .sizeChecked: true
        case .current, .field, .index, .slice, .literal: false
        case .subexpression(let parts): parts.contains { $0.buildsValues }
        case .projection(let left, let right), .valueProjection(let left, let right), .pipe(let left, let right),
            .or(let left, let right), .and(let left, let right):
            left.buildsValues || right.buildsValues
        case .filterProjection(let left, _, let right): left.buildsValues || right.buildsValues
        case .comparison, .not: false
        case .flatten(let operand), .expressionReference(let operand): operand.buildsValues
        }
    }

    var containsSizeChecks: Bool {
        switch self {
        case .sizeChecked: true
        case .current, .field, .index, .slice, .literal: false
        case .subexpression(let parts), .multiSelectList(let parts), .function(_, let parts):
            parts.contains { $0.containsSizeChecks }
        case .multiSelectHash(let entries): entries.contains { $0.value.containsSizeChecks }
        case .projection(let left, let right), .valueProjection(let left, let right), .pipe(let left, let right),
            .or(let left, let right), .and(let left, let right), .comparison(_, let left, let right):
            left.containsSizeChecks || right.containsSizeChecks
        case .filterProjection(let left, let condition, let right):
            left.containsSizeChecks || condition.containsSizeChecks || right.containsSizeChecks
        case .flatten(let operand), .not(let operand), .expressionReference(let operand):
            operand.containsSizeChecks
        }
    }

    /// This tree with size checks around the builders that need them.
    /// - Parameter inputIsDocument: whether the value this node is applied to is part of the searched
    ///   document (no built values inside).
    func insertingSizeChecks(inputIsDocument: Bool) -> JMESPathNode {
        switch self {
        case .current, .field, .index, .slice, .literal, .sizeChecked:
            return self
        case .subexpression(let parts):
            var pure = inputIsDocument
            var result: [JMESPathNode] = []
            result.reserveCapacity(parts.count)
            for part in parts {
                result.append(part.insertingSizeChecks(inputIsDocument: pure))
                pure = pure && !part.buildsValues
            }
            return .subexpression(result)
        case .projection(let left, let right):
            return .projection(
                left: left.insertingSizeChecks(inputIsDocument: inputIsDocument),
                right: right.insertingSizeChecks(inputIsDocument: inputIsDocument && !left.buildsValues))
        case .valueProjection(let left, let right):
            return .valueProjection(
                left: left.insertingSizeChecks(inputIsDocument: inputIsDocument),
                right: right.insertingSizeChecks(inputIsDocument: inputIsDocument && !left.buildsValues))
        case .filterProjection(let left, let condition, let right):
            let elementsAreDocument = inputIsDocument && !left.buildsValues
            return .filterProjection(
                left: left.insertingSizeChecks(inputIsDocument: inputIsDocument),
                condition: condition.insertingSizeChecks(inputIsDocument: elementsAreDocument),
                right: right.insertingSizeChecks(inputIsDocument: elementsAreDocument))
        case .flatten(let operand):
            return .flatten(operand.insertingSizeChecks(inputIsDocument: inputIsDocument))
        case .pipe(let left, let right):
            return .pipe(
                left.insertingSizeChecks(inputIsDocument: inputIsDocument),
                right.insertingSizeChecks(inputIsDocument: inputIsDocument && !left.buildsValues))
        case .or(let left, let right):
            return .or(
                left.insertingSizeChecks(inputIsDocument: inputIsDocument),
                right.insertingSizeChecks(inputIsDocument: inputIsDocument))
        case .and(let left, let right):
            return .and(
                left.insertingSizeChecks(inputIsDocument: inputIsDocument),
                right.insertingSizeChecks(inputIsDocument: inputIsDocument))
        case .not(let operand):
            return .not(operand.insertingSizeChecks(inputIsDocument: inputIsDocument))
        case .comparison(let comparator, let left, let right):
            return .comparison(
                comparator, left.insertingSizeChecks(inputIsDocument: inputIsDocument),
                right.insertingSizeChecks(inputIsDocument: inputIsDocument))
        case .expressionReference(let operand):
            return .expressionReference(operand.insertingSizeChecks(inputIsDocument: inputIsDocument))
        case .multiSelectList(let elements):
            let node = JMESPathNode.multiSelectList(
                elements.map { $0.insertingSizeChecks(inputIsDocument: inputIsDocument) })
            let needsCheck = !inputIsDocument || elements.contains { $0.buildsValues }
            return needsCheck ? .sizeChecked(node) : node
        case .multiSelectHash(let entries):
            let node = JMESPathNode.multiSelectHash(
                entries.map { entry in
                    JMESPathKeyValue(
                        key: entry.key, value: entry.value.insertingSizeChecks(inputIsDocument: inputIsDocument))
                })
            let needsCheck = !inputIsDocument || entries.contains { $0.value.buildsValues }
            return needsCheck ? .sizeChecked(node) : node
        case .function(let name, let arguments):
            // An expression reference is applied to elements of the other arguments.
            let valueArguments = arguments.filter {
                if case .expressionReference = $0 { return false }
                return true
            }
            let elementsAreDocument = inputIsDocument && !valueArguments.contains { $0.buildsValues }
            let node = JMESPathNode.function(
                name: name,
                arguments: arguments.map { argument in
                    if case .expressionReference = argument {
                        return argument.insertingSizeChecks(inputIsDocument: elementsAreDocument)
                    }
                    return argument.insertingSizeChecks(inputIsDocument: inputIsDocument)
                })
            let needsCheck = !inputIsDocument || arguments.contains { $0.buildsValues }
            return needsCheck ? .sizeChecked(node) : node
        }
    }
}
