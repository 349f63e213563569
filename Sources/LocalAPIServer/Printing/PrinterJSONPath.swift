import Foundation
import JSONValue

/// The subset of Kubernetes JSONPath used by `additionalPrinterColumns`: `.field`, `['field']`, `[n]`,
/// `[*]`, `.*`, and filters `[?(@.path=="value")]`, `[?(@.path!="value")]`, `[?(@.path)]`.
struct PrinterJSONPath: Sendable, Hashable {
    indirect enum Step: Sendable, Hashable {
        case field(String)
        case index(Int)
        case wildcard
        case filter(path: [String], op: String?, value: String)
    }

    let steps: [Step]

    /// Parses a path such as `.status.conditions[?(@.type=="Ready")].status`. Braces (`{...}`) are allowed.
    /// Returns `nil` for a path outside the supported subset.
    init?(_ text: String) {
        var text = Substring(text.trimmingPrefix(" "))
        if text.hasPrefix("{"), text.hasSuffix("}") { text = text.dropFirst().dropLast() }
        var steps: [Step] = []
        while let first = text.first {
            if first == "." {
                text = text.dropFirst()
                if text.first == "*" {
                    steps.append(.wildcard)
                    text = text.dropFirst()
                    continue
                }
                let name = text.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(.field(String(name)))
                text = text.dropFirst(name.count)
            } else if first == "[" {
                guard let close = Self.closingBracket(text) else { return nil }
                let inner = text[text.index(after: text.startIndex)..<close]
                text = text[text.index(after: close)...]
                if inner == "*" {
                    steps.append(.wildcard)
                } else if let index = Int(inner) {
                    steps.append(.index(index))
                } else if (inner.hasPrefix("'") && inner.hasSuffix("'"))
                    || (inner.hasPrefix("\"") && inner.hasSuffix("\"")),
                    inner.count >= 2
                {
                    steps.append(.field(String(inner.dropFirst().dropLast())))
                } else if inner.hasPrefix("?(@."), inner.hasSuffix(")") {
                    let body = inner.dropFirst(4).dropLast()
                    var op: String?
                    var pathPart = body
                    var value = ""
                    for candidate in ["==", "!="] {
                        if let range = body.range(of: candidate) {
                            op = candidate
                            pathPart = body[..<range.lowerBound]
                            value = body[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                            break
                        }
                    }
                    let path = pathPart.trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
                    steps.append(.filter(path: path, op: op, value: value))
                } else {
                    return nil
                }
            } else {
                let name = text.prefix { $0 != "." && $0 != "[" }
                steps.append(.field(String(name)))
                text = text.dropFirst(name.count)
            }
        }
        self.steps = steps
    }

    private static func closingBracket(_ text: Substring) -> Substring.Index? {
        var quote: Character?
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "]" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// Every value the path selects in `document`, in order.
    func evaluate(_ document: JSONValue) -> [JSONValue] {
        var current = [document]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch step {
                case .field(let name):
                    if let child = value[name] { next.append(child) }
                case .index(let index):
                    if let array = value.arrayValue {
                        let resolved = index < 0 ? array.count + index : index
                        if array.indices.contains(resolved) { next.append(array[resolved]) }
                    }
                case .wildcard:
                    if let array = value.arrayValue { next.append(contentsOf: array) }
                    if let object = value.objectValue { next.append(contentsOf: object.values) }
                case .filter(let path, let op, let expected):
                    for element in value.arrayValue ?? [] {
                        var selected: JSONValue? = element
                        for key in path { selected = selected?[key] }
                        let text = selected.map(Self.plainText)
                        switch op {
                        case "==": if text == expected { next.append(element) }
                        case "!=": if let text, text != expected { next.append(element) }
                        default: if selected != nil { next.append(element) }
                        }
                    }
                }
            }
            current = next
        }
        return current
    }

    /// How JSONPath prints a value: strings bare, everything else as JSON.
    static func plainText(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.serialized()
    }
}
