import JSONValue

/// Kyverno's `$(path)` references inside a pattern: a relative or absolute path to another value of the
/// same pattern (anchors ignored), optionally prefixed by a comparison operator (`$(<=./../limit)`).
struct ReferenceResolver {
    let document: JSONValue

    func resolveAll() throws(EvaluationError) -> JSONValue {
        // Most patterns have no reference: leave them as they are instead of rebuilding them.
        guard Self.hasReferences(document) else { return document }
        return try resolve(document, path: "")
    }

    private static func hasReferences(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): text.containsBytes("$(")
        case .array(let elements): elements.contains(where: hasReferences)
        case .object(let object): object.contains { $0.key.containsBytes("$(") || hasReferences($0.value) }
        default: false
        }
    }

    private func resolve(_ value: JSONValue, path: String) throws(EvaluationError) -> JSONValue {
        switch value {
        case .string(let text):
            guard text.containsBytes("$(") else { return value }
            return .string(try resolveLeaf(text, path: path))
        case .array(let elements):
            var result: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                result.append(try resolve(element, path: path + "/" + String(index)))
            }
            return .array(result)
        case .object(let object):
            var result = JSONObject()
            for (key, member) in object {
                let newKey = key.containsBytes("$(") ? try resolveLeaf(key, path: path) : key
                result[newKey] = try resolve(member, path: path + "/" + key.replacing("/", with: "\\/"))
            }
            return .object(result)
        default:
            return value
        }
    }

    private func resolveLeaf(_ original: String, path: String) throws(EvaluationError) -> String {
        var value = original
        for (matched, prefix) in Self.references(in: original) {
            let reference = String(matched.dropFirst(prefix.count))
            let resolved = try resolveReference(reference, at: path)
            guard case .string(let text) = resolved else {
                throw EvaluationError("NotResolvedReferenceErr,reference \(reference) not resolved at path \(path)")
            }
            value = value.replacingFirst(matched, with: prefix + text)
        }
        // `\$(...)` escapes a reference.
        return value.replacing("\\$(", with: "$(")
    }

    /// Matches of `^\$\(.[^\ ]*\)|[^\\]\$\(.[^\ ]*\)`, with the preceding character when there is one.
    static func references(in text: String) -> [(String, String)] {
        let characters = Array(text)
        var result: [(String, String)] = []
        var index = 0
        var searchStart = 0
        while index + 2 < characters.count {
            guard characters[index] == "$", characters[index + 1] == "(" else {
                index += 1
                continue
            }
            let hasPrefix = index > 0
            if hasPrefix, index - 1 < searchStart || characters[index - 1] == "\\" {
                index += 1
                continue
            }
            var runEnd = index + 3
            while runEnd < characters.count, characters[runEnd] != " " { runEnd += 1 }
            guard let close = characters[(index + 3)..<max(index + 3, runEnd)].lastIndex(of: ")") else {
                index += 1
                continue
            }
            let start = hasPrefix ? index - 1 : index
            result.append((String(characters[start...close]), hasPrefix ? String(characters[index - 1]) : ""))
            searchStart = close + 1
            index = close + 1
        }
        return result
    }

    private func resolveReference(_ reference: String, at path: String) throws(EvaluationError) -> JSONValue {
        var inner = Substring(reference)
        while let first = inner.first, first == "$" || first == "(" || first == ")" { inner = inner.dropFirst() }
        while let last = inner.last, last == "$" || last == "(" || last == ")" { inner = inner.dropLast() }
        let op = ValueOperator.prefix(of: String(inner))
        let relative = String(inner.dropFirst(op.text.count))
        guard !relative.isEmpty else {
            throw EvaluationError(
                "failed to resolve \(reference) at path \(path): expected path, found empty reference")
        }
        let absolute = relative.hasPrefix("/") ? Self.clean(relative) : Self.clean(path + "/" + relative)
        guard let found = Self.find(absolute, in: document, at: "") else {
            throw EvaluationError("failed to resolve \(reference) at path \(path): reference not found")
        }
        if op == .equal { return found }
        switch found {
        case .string(let text): return .string(op.text + text)
        case .int(let number): return .string(op.text + String(number))
        case .double(let number): return .string(op.text + GoFormat.fixed6(number))
        default:
            throw EvaluationError(
                "failed to resolve \(reference) at path \(path): incorrect expression: operator \(op.text) does not match with value \(found.serialized())"
            )
        }
    }

    private static func find(_ target: String, in value: JSONValue, at path: String) -> JSONValue? {
        if Anchor.removingAnchors(fromPath: path) == target { return value }
        switch value {
        case .object(let object):
            for (key, member) in object {
                if let found = find(target, in: member, at: path + "/" + key) { return found }
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = find(target, in: element, at: path + "/" + String(index)) { return found }
            }
        default: break
        }
        return nil
    }

    /// Go's `path.Clean` for absolute slash paths.
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
