/// A kind as written in `match.resources.kinds`: `Kind`, `version/Kind`, `group/version/Kind`, with an
/// optional subresource (`Pod/exec`, `Pod.exec`), and `*` wildcards in each part (Kyverno's
/// `ParseKindSelector`).
struct KindSelector: Sendable, Hashable {
    var group: String
    var version: String
    var kind: String
    var subresource: String

    init(_ text: String) {
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let last = parts.popLast() {
            parts += last.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        }
        switch parts.count {
        case 1:
            self.init(group: "*", version: "*", kind: parts[0], subresource: "")
        case 2:
            if parts[0] == "*" && parts[1] == "*" {
                self.init(group: "*", version: "*", kind: "*", subresource: "*")
            } else if parts[0] == "*" && parts[1].lowercased() == parts[1] {
                self.init(group: "*", version: "*", kind: "*", subresource: parts[1])
            } else if Self.isVersion(parts[0]) {
                self.init(group: "*", version: parts[0], kind: parts[1], subresource: "")
            } else {
                self.init(group: "*", version: "*", kind: parts[0], subresource: parts[1])
            }
        case 3:
            if Self.isVersion(parts[0]) {
                self.init(group: "*", version: parts[0], kind: parts[1], subresource: parts[2])
            } else {
                self.init(group: parts[0], version: parts[1], kind: parts[2], subresource: "")
            }
        case 4:
            self.init(group: parts[0], version: parts[1], kind: parts[2], subresource: parts[3])
        default:
            self.init(group: "", version: "", kind: "", subresource: "")
        }
    }

    init(group: String, version: String, kind: String, subresource: String) {
        self.group = group
        self.version = version
        self.kind = kind
        self.subresource = subresource
    }

    /// `^(v\d+((alpha|beta)\d+)?|\*)$`
    static func isVersion(_ text: String) -> Bool {
        if text == "*" { return true }
        var rest = Substring(text)
        guard rest.first == "v" else { return false }
        rest = rest.dropFirst()
        let major = rest.prefix(while: \.isASCIIDigit)
        guard !major.isEmpty else { return false }
        rest = rest.dropFirst(major.count)
        if rest.isEmpty { return true }
        for stage in ["alpha", "beta"] where rest.hasPrefix(stage) {
            let number = rest.dropFirst(stage.count)
            return !number.isEmpty && number.allSatisfy(\.isASCIIDigit)
        }
        return false
    }

    /// Whether the selector matches a resource of the given group, version, kind and subresource.
    /// Pod `ephemeralcontainers` match a Pod selector too, as in Kyverno.
    func matches(group: String, version: String, kind: String, subresource: String) -> Bool {
        guard Wildcard.matches(self.group, group), Wildcard.matches(self.version, version),
            Wildcard.matches(self.kind, kind)
        else { return false }
        if Wildcard.matches(self.subresource, subresource) { return true }
        return group.isEmpty && version == "v1" && kind == "Pod" && subresource == "ephemeralcontainers"
    }

    /// The kind part of a kind string, without group, version or subresource (Kyverno's `GetKindFromGVK`
    /// followed by `SplitSubresource`).
    static func bareKind(_ text: String) -> String {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let kindAndSub: String
        switch parts.count {
        case 1: kindAndSub = text.replacingFirst(".", with: "/")
        case 2:
            if parts[0] == "*" && parts[1] == "*" {
                kindAndSub = "*/*"
            } else if isVersion(parts[0]) {
                kindAndSub = parts[1].replacingFirst(".", with: "/")
            } else {
                kindAndSub = parts[0] + "/" + parts[1]
            }
        case 3:
            kindAndSub = isVersion(parts[0]) ? parts[1] + "/" + parts[2] : parts[2].replacingFirst(".", with: "/")
        case 4: kindAndSub = parts[2] + "/" + parts[3]
        default: kindAndSub = ""
        }
        let split = kindAndSub.split(separator: "/", omittingEmptySubsequences: false)
        return split.count == 2 ? String(split[0]) : kindAndSub
    }

    /// Kyverno's `ContainsKind`: whether any entry of `kinds` names `kind` (ignoring group and version).
    static func containsKind(_ kinds: [String], _ kind: String) -> Bool {
        kinds.contains { bareKind($0) == kind }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var result = self
        result.replaceSubrange(range, with: replacement)
        return result
    }
}
