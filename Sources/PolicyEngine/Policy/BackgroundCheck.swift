import JSONValue

/// Why a policy cannot run in background mode, in Kyverno's words (pkg/validation/policy/background.go).
public struct BackgroundViolation: Sendable, Hashable, CustomStringConvertible {
    /// The rule that breaks the restriction, when it is in a rule.
    public var rule: String?
    /// The offending variable (`{{ request.userInfo.username }}`) or field path
    /// (`spec/rules[0]/match/any[1]/roles`).
    public var subject: String
    /// Kyverno's message.
    public var message: String

    public var description: String { message }
}

/// The background-safety check: no user information (`request.userInfo`, `request.roles`,
/// `request.clusterRoles`, `serviceAccountName`, `serviceAccountNamespace`) in variables, no
/// roles/clusterRoles/subjects in match or exclude, and no wildcard kind.
public enum BackgroundCheck {
    static let forbiddenVariables = [
        "serviceAccountName", "serviceAccountNamespace", "request.userInfo", "request.roles", "request.clusterRoles",
    ]
    static let prefix =
        "only select variables are allowed in background mode. Set spec.background=false to disable background mode for this policy rule: "

    /// The violations of a policy's rules (autogen rules included, as Kyverno computes them), empty when it
    /// can run in background.
    public static func violations(rules: [Rule], policyDocument: JSONValue) -> [BackgroundViolation] {
        var result: [BackgroundViolation] = []
        for (index, rule) in rules.enumerated() {
            if let path = userInfoPath(rule, index: index) {
                result.append(
                    BackgroundViolation(
                        rule: rule.name, subject: path,
                        message: prefix + "invalid variable used at path: \(path) "))
            }
        }
        if rules.contains(where: { $0.type == .mutate && $0.document["mutate"]?["targets"] != nil }) {
            return result
        }
        for rule in rules where !rule.isAutogen {
            for variable in variables(in: rule.document) where isForbidden(variable) {
                result.append(
                    BackgroundViolation(
                        rule: rule.name, subject: variable, message: prefix + "variable \(variable) is not allowed "))
            }
        }
        for rule in rules where rule.match.kinds.contains("*") {
            result.append(
                BackgroundViolation(
                    rule: rule.name, subject: "*",
                    message:
                        "wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule "
                ))
        }
        return result
    }

    private static func userInfoPath(_ rule: Rule, index: Int) -> String? {
        func defined(_ filter: ResourceFilter) -> String? {
            if !filter.roles.isEmpty { return "roles" }
            if !filter.clusterRoles.isEmpty { return "clusterRoles" }
            if !filter.subjects.isEmpty { return "subjects" }
            return nil
        }
        let base = "spec/rules[\(index)]"
        if let path = defined(rule.match.legacy) { return "\(base)/match/\(path)" }
        for (i, filter) in rule.match.any.enumerated() {
            if let path = defined(filter) { return "\(base)/match/any[\(i)]/\(path)" }
        }
        for (i, filter) in rule.match.all.enumerated() {
            if let path = defined(filter) { return "\(base)/match/all[\(i)]/\(path)" }
        }
        if let exclude = rule.exclude {
            if let path = defined(exclude.legacy) { return "\(base)/exclude/\(path)" }
            for (i, filter) in exclude.all.enumerated() {
                if let path = defined(filter) { return "\(base)/exclude/all[\(i)]/\(path)" }
            }
            for (i, filter) in exclude.any.enumerated() {
                if let path = defined(filter) { return "\(base)/exclude/any[\(i)]/\(path)" }
            }
        }
        return nil
    }

    /// Every `{{...}}` in the keys and strings of a document.
    static func variables(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return VariableScanner.matches(in: text).map { String($0.variable) }
        case .array(let elements): return elements.flatMap(variables)
        case .object(let object):
            return object.flatMap { key, member in
                VariableScanner.matches(in: key).map { String($0.variable) } + variables(in: member)
            }
        default: return []
        }
    }

    /// `[^\.](name)\b`: the name, not preceded by a dot, ending at a word boundary.
    static func isForbidden(_ variable: String) -> Bool {
        let characters = Array(variable)
        for name in forbiddenVariables {
            let target = Array(name)
            var start = 1
            while start + target.count <= characters.count {
                if Array(characters[start..<(start + target.count)]) == target, characters[start - 1] != "." {
                    let end = start + target.count
                    let boundary = end == characters.count || !isWord(characters[end])
                    if boundary { return true }
                }
                start += 1
            }
        }
        return false
    }

    private static func isWord(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_")
    }
}
