import JSONValue

/// Kyverno's pattern validation (pkg/engine/validate): walks a pattern and a resource together, with
/// anchors evaluated before plain keys, global anchors and keys holding nested anchors first, and paths
/// written as `/spec/containers/0/image/`.
struct PatternMatcher {
    /// Anchor keys (conditional, existence, negation) seen in the pattern, and whether the resource had
    /// them somewhere (Kyverno's `AnchorMap`).
    private var anchorsFound: [String: Bool] = [:]

    /// Matches `resource` against `pattern`.
    static func match(_ resource: JSONValue, pattern: JSONValue) -> PatternOutcome {
        var matcher = PatternMatcher()
        let (path, error) = matcher.element(resource, pattern, path: "/")
        guard let error else { return .pass }
        if error.isSkip { return .skip(message: error.message) }
        if !error.isNegation, matcher.keysAreMissing { return .error(message: error.message) }
        return path.isEmpty ? .error(message: error.message) : .fail(message: error.message, path: path)
    }

    private var keysAreMissing: Bool {
        anchorsFound.contains { key, found in !found && Anchor(key)?.modifier != .negation }
    }

    private mutating func element(_ resource: JSONValue, _ pattern: JSONValue, path: String) -> (String, PatternError?)
    {
        switch pattern {
        case .object(let patternMap):
            guard case .object(let resourceMap) = resource else {
                return (
                    path,
                    .mismatch(
                        "pattern and resource have different structures. Path: \(path). Expected map[string]interface {}, found \(GoFormat.typeName(resource))"
                    )
                )
            }
            checkAnchors(patternMap, resourceMap)
            return map(resourceMap, patternMap, path: path)
        case .array(let patternArray):
            guard case .array(let resourceArray) = resource else {
                return (
                    path,
                    .mismatch(
                        "validation rule failed at path \(path), resource does not satisfy the expected overlay pattern"
                    )
                )
            }
            return array(resourceArray, patternArray, path: path)
        default:
            if case .array(let elements) = resource {
                for element in elements where !ValuePattern.validate(element, pattern) {
                    return (path, valueMismatch(resource, pattern, path))
                }
                return ("", nil)
            }
            if !ValuePattern.validate(resource, pattern) { return (path, valueMismatch(resource, pattern, path)) }
            return ("", nil)
        }
    }

    private func valueMismatch(_ resource: JSONValue, _ pattern: JSONValue, _ path: String) -> PatternError {
        .mismatch(
            "resource value '\(GoFormat.sprint(resource))' does not match '\(GoFormat.sprintPattern(pattern))' at path \(path)"
        )
    }

    private mutating func checkAnchors(_ pattern: JSONObject, _ resource: JSONObject) {
        for key in pattern.keys {
            guard let anchor = Anchor(key),
                anchor.modifier == .condition || anchor.modifier == .existence || anchor.modifier == .negation
            else { continue }
            if anchorsFound[key] == true { continue }
            anchorsFound[key] = resource[anchor.key] != nil
        }
    }

    private mutating func map(_ resource: JSONObject, _ rawPattern: JSONObject, path: String) -> (String, PatternError?)
    {
        let pattern = MetadataWildcards.expand(rawPattern, resource: resource)
        var anchors: [(String, Anchor, JSONValue)] = []
        var plain: [(String, JSONValue)] = []
        for (key, value) in pattern {
            if let anchor = Anchor(key), anchor.isPhaseOne {
                anchors.append((key, anchor, value))
            } else {
                plain.append((key, value))
            }
        }
        anchors.sort { $0.0 < $1.0 }
        var skipErrors: [PatternError] = []
        var applied = 0
        for (_, anchor, value) in anchors {
            let (handlerPath, error) = handle(anchor: anchor, value, resource, path: path)
            if let error {
                if error.isSkip {
                    skipErrors.append(error)
                    continue
                }
                if !skipErrors.contains(where: { $0.kind != .skipGroup }) { return (handlerPath, error) }
                continue
            }
            applied += 1
        }
        if !skipErrors.isEmpty, applied == 0 || skipErrors.contains(where: { $0.kind != .skipGroup }) {
            return (path, .skipGroup(skipErrors))
        }
        for (key, value) in Self.ordered(plain) {
            let error: (String, PatternError?)
            if let anchor = Anchor(key), anchor.modifier == .global {
                error = handle(anchor: anchor, value, resource, path: path)
            } else {
                error = plainKey(key, value, resource, path: path)
            }
            if error.1 != nil { return error }
        }
        return ("", nil)
    }

    /// Kyverno's `getSortedNestedAnchorResource`: keys sorted, then global anchors and keys whose values
    /// hold anchors moved to the front (each one ahead of the previous).
    private static func ordered(_ entries: [(String, JSONValue)]) -> [(String, JSONValue)] {
        var front: [(String, JSONValue)] = []
        var back: [(String, JSONValue)] = []
        for entry in entries.sorted(by: { $0.0 < $1.0 }) {
            if Anchor(entry.0)?.modifier == .global || hasNestedAnchors(entry.1) {
                front.insert(entry, at: 0)
            } else {
                back.append(entry)
            }
        }
        return front + back
    }

    private static func hasNestedAnchors(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let object):
            for (key, member) in object {
                if let anchor = Anchor(key), anchor.modifier != .addIfNotPresent { return true }
                if hasNestedAnchors(member) { return true }
            }
            return false
        case .array(let elements): return elements.contains(where: hasNestedAnchors)
        default: return false
        }
    }

    private mutating func plainKey(_ key: String, _ pattern: JSONValue, _ resource: JSONObject, path: String) -> (
        String, PatternError?
    ) {
        let current = path + key + "/"
        let value = resource[key] ?? .null
        if case .string("*") = pattern {
            if value.isNull { return (path, .mismatch("\(path)/\(key) not found")) }
            return ("", nil)
        }
        return element(value, pattern, path: current)
    }

    private mutating func handle(anchor: Anchor, _ pattern: JSONValue, _ resource: JSONObject, path: String) -> (
        String, PatternError?
    ) {
        let current = path + anchor.key + "/"
        let value = resource[anchor.key]
        switch anchor.modifier {
        case .negation:
            if value != nil { return (current, .negation("\(current) is not allowed")) }
            return ("", nil)
        case .equality:
            guard let value else { return ("", nil) }
            let (returned, error) = element(value, pattern, path: current)
            return error == nil ? ("", nil) : (returned, error)
        case .condition:
            guard let value else {
                return (current, .conditional("conditional anchor key doesn't exist in the resource"))
            }
            let (returned, error) = element(value, pattern, path: current)
            if let error { return (returned, .conditional(error.message)) }
            return ("", nil)
        case .global:
            guard let value else { return ("", nil) }
            let (returned, error) = element(value, pattern, path: current)
            if let error { return (returned, .global(error.message)) }
            return ("", nil)
        case .existence:
            guard let value else { return ("", nil) }
            guard case .array(let elements) = value else {
                return (
                    current,
                    .mismatch(
                        "invalid resource type \(GoFormat.typeName(value)): Existence ^ () anchor can be used only on list/array type resource"
                    )
                )
            }
            guard case .array(let patterns) = pattern else {
                return (
                    current,
                    .mismatch(
                        "invalid pattern type \(GoFormat.typeName(pattern, numbersAsFloat: true)): Pattern has to be of list to compare against resource"
                    )
                )
            }
            for patternElement in patterns {
                guard case .object = patternElement else {
                    return (
                        current,
                        .mismatch(
                            "invalid pattern type []interface {}: Pattern has to be of type map to compare against items in resource"
                        )
                    )
                }
                var found = false
                for (index, resourceElement) in elements.enumerated() {
                    if element(resourceElement, patternElement, path: current + String(index) + "/").1 == nil {
                        found = true
                        break
                    }
                }
                if !found { return (current, .mismatch("existence anchor validation failed at path \(current)")) }
            }
            return ("", nil)
        case .addIfNotPresent:
            return plainKey(anchor.text, pattern, resource, path: path)
        }
    }

    private mutating func array(_ resource: [JSONValue], _ pattern: [JSONValue], path: String) -> (
        String, PatternError?
    ) {
        guard let first = pattern.first else { return (path, .mismatch("pattern Array empty")) }
        switch first {
        case .object:
            return elements(resource.lazy.map { ($0, first) }, path: path)
        case .array:
            guard resource.count >= pattern.count else {
                return (
                    "",
                    .mismatch(
                        "validate Array failed, array length mismatch, resource Array len is \(resource.count) and pattern Array len is \(pattern.count)"
                    )
                )
            }
            return elements(zip(resource, pattern), path: path)
        default:
            return element(.array(resource), first, path: path)
        }
    }

    /// Matches (resource, pattern) element pairs in order, at `path` + index: the first real mismatch ends
    /// the match; when every pair was skipped (its anchors did not apply), the array is skipped as a group.
    private mutating func elements(
        _ pairs: some Sequence<(JSONValue, JSONValue)>, path: String
    ) -> (String, PatternError?) {
        var skipErrors: [PatternError] = []
        var applied = 0
        for (index, (resourceElement, patternElement)) in pairs.enumerated() {
            let (returned, error) = element(resourceElement, patternElement, path: path + String(index) + "/")
            if let error {
                if error.isSkip {
                    skipErrors.append(error)
                    continue
                }
                return (returned, error)
            }
            applied += 1
        }
        if applied == 0, !skipErrors.isEmpty { return (path, .skipGroup(skipErrors)) }
        return ("", nil)
    }
}
