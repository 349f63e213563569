import JSONValue

extension JMESPathNode: CustomStringConvertible {
    /// The tree as indented text, one node per line, for `vigil jp parse`.
    public var description: String {
        var lines: [String] = []
        describe(into: &lines, indent: 0, label: nil)
        return lines.joined(separator: "\n")
    }

    private func describe(into lines: inout [String], indent: Int, label: String?) {
        let prefix = String(repeating: "  ", count: indent) + (label.map { "\($0): " } ?? "")
        func line(_ text: String) { lines.append(prefix + text) }
        func child(_ node: JMESPathNode, _ label: String? = nil) {
            node.describe(into: &lines, indent: indent + 1, label: label)
        }
        switch self {
        case .current:
            line("Current")
        case .field(let name):
            line("Field \(JSONValue.string(name).serialized())")
        case .subexpression(let parts):
            line("Subexpression")
            for part in parts { child(part) }
        case .index(let index):
            line("Index \(index)")
        case .slice(let slice):
            let bounds = [slice.start, slice.stop, slice.step].map { bound in bound.map { String($0) } ?? "" }
            line("Slice [\(bounds.joined(separator: ":"))]")
        case .literal(let value):
            line("Literal \(value.serialized())")
        case .projection(let left, let right):
            line("Projection")
            child(left, "left")
            child(right, "right")
        case .valueProjection(let left, let right):
            line("ValueProjection")
            child(left, "left")
            child(right, "right")
        case .filterProjection(let left, let condition, let right):
            line("FilterProjection")
            child(left, "left")
            child(condition, "condition")
            child(right, "right")
        case .flatten(let operand):
            line("Flatten")
            child(operand)
        case .pipe(let left, let right):
            line("Pipe")
            child(left)
            child(right)
        case .or(let left, let right):
            line("Or")
            child(left)
            child(right)
        case .and(let left, let right):
            line("And")
            child(left)
            child(right)
        case .not(let operand):
            line("Not")
            child(operand)
        case .comparison(let comparator, let left, let right):
            line("Comparison \(comparator.rawValue)")
            child(left)
            child(right)
        case .multiSelectList(let elements):
            line("MultiSelectList")
            for element in elements { child(element) }
        case .multiSelectHash(let entries):
            line("MultiSelectHash")
            for entry in entries { child(entry.value, JSONValue.string(entry.key).serialized()) }
        case .function(let name, let arguments):
            line("Function \(name)")
            for argument in arguments { child(argument) }
        case .expressionReference(let operand):
            line("ExpressionReference")
            child(operand)
        case .sizeChecked(let operand):
            // An evaluation detail, not syntax: show the operand in its place.
            operand.describe(into: &lines, indent: indent, label: label)
        }
    }
}
