import Foundation
import JSONValue

/// A parsed `fieldSelector` query: `field=value`, `field==value` and `field!=value` terms joined by commas.
public struct FieldSelector: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public var field: String
        public var value: String
        public var negated: Bool
    }

    public var terms: [Term]

    public var isEmpty: Bool { terms.isEmpty }

    public static let everything = FieldSelector(terms: [])

    init(terms: [Term]) {
        self.terms = terms
    }

    /// Parses a field selector and checks every field is selectable for `resource`.
    ///
    /// - Throws: ``StatusError`` 400 for bad syntax or a field the resource does not support.
    public init(parsing text: String, for resource: ResourceInfo) throws(StatusError) {
        var terms: [Term] = []
        for part in Self.splitTerms(text) where !part.isEmpty {
            let term: Term
            if let range = part.range(of: "!=") {
                term = Term(
                    field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), negated: true)
            } else if let range = part.range(of: "==") {
                term = Term(
                    field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), negated: false)
            } else if let range = part.range(of: "=") {
                term = Term(
                    field: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), negated: false)
            } else {
                throw StatusError.badRequest("invalid selector: '\(text)'; can't understand '\(part)'")
            }
            let allowed = ["metadata.name", "metadata.namespace"] + resource.selectableFields
            guard allowed.contains(term.field) else {
                throw StatusError.badRequest(
                    "\"\(term.field)\" is not a known field selector: only "
                        + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            terms.append(term)
        }
        self.terms = terms
    }

    /// Splits on commas that are not escaped with a backslash.
    private static func splitTerms(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    /// Whether the selector only uses `metadata.name` and `metadata.namespace` (no parsing of objects needed).
    var usesOnlyMetadata: Bool {
        terms.allSatisfy { $0.field == "metadata.name" || $0.field == "metadata.namespace" }
    }

    /// Whether an object with this name and namespace (and, for other fields, this document) matches.
    func matches(name: String, namespace: String, object: () -> JSONValue?) -> Bool {
        var document: JSONValue?? = nil
        for term in terms {
            let actual: String
            switch term.field {
            case "metadata.name": actual = name
            case "metadata.namespace": actual = namespace
            default:
                if document == nil { document = .some(object()) }
                var value: JSONValue? = document ?? nil
                for key in term.field.split(separator: ".") { value = value?[String(key)] }
                switch value {
                case .string(let text)?: actual = text
                case .bool(let flag)?: actual = flag ? "true" : "false"
                case .int(let number)?: actual = String(number)
                default: actual = ""
                }
            }
            if (actual == term.value) == term.negated { return false }
        }
        return true
    }
}
