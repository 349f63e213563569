/// A pattern key with an anchor: `(key)` conditional, `<(key)` global, `X(key)` negation, `=(key)`
/// equality, `^(key)` existence, `+(key)` add-if-not-present (Kyverno's `^([+<=X^])?\((.+)\)$`).
struct Anchor: Sendable, Hashable {
    enum Modifier: String, Sendable {
        case condition = ""
        case global = "<"
        case negation = "X"
        case addIfNotPresent = "+"
        case equality = "="
        case existence = "^"
    }

    var modifier: Modifier
    var key: String

    init?(_ text: String) {
        // Most keys are plain names: reject them without allocating.
        guard let last = text.utf8.last,
            last == UInt8(ascii: ")") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t")
                || last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r")
        else { return nil }
        let trimmed = text.trimmingWhitespace()
        guard trimmed.hasSuffix(")") else { return nil }
        var body = Substring(trimmed)
        var modifier = Modifier.condition
        if let first = body.first, first != "(", let parsed = Modifier(rawValue: String(first)) {
            modifier = parsed
            body = body.dropFirst()
        }
        guard body.first == "(", body.count >= 3 else { return nil }
        self.modifier = modifier
        self.key = String(body.dropFirst().dropLast())
    }

    init(modifier: Modifier, key: String) {
        self.modifier = modifier
        self.key = key
    }

    var text: String { modifier.rawValue + "(" + key + ")" }

    /// Anchors handled in Kyverno's first phase (before plain keys and global anchors).
    var isPhaseOne: Bool {
        switch modifier {
        case .condition, .existence, .equality, .negation: true
        default: false
        }
    }

    /// Kyverno's `RemoveAnchorsFromPath`.
    static func removingAnchors(fromPath path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "" { parts.removeFirst() }
        let stripped = parts.map { Anchor($0)?.key ?? $0 }
        let joined = ReferenceResolver.clean("/" + stripped.joined(separator: "/"))
        return path.hasPrefix("/") ? joined : String(joined.dropFirst())
    }
}
