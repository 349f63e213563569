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
        // Pattern keys are parsed on every evaluation: work on the UTF-8 bytes and allocate only the key.
        let bytes = text.utf8
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        }
        guard let last = bytes.last, last == UInt8(ascii: ")") || isSpace(last) else { return nil }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start = bytes.index(after: start) }
        while start < end, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        guard start < end, bytes[bytes.index(before: end)] == UInt8(ascii: ")") else { return nil }
        var open = start
        var modifier = Modifier.condition
        switch bytes[start] {
        case UInt8(ascii: "("): break
        case UInt8(ascii: "<"): modifier = .global
        case UInt8(ascii: "X"): modifier = .negation
        case UInt8(ascii: "+"): modifier = .addIfNotPresent
        case UInt8(ascii: "="): modifier = .equality
        case UInt8(ascii: "^"): modifier = .existence
        default: return nil
        }
        if modifier != .condition { open = bytes.index(after: start) }
        guard open < end, bytes[open] == UInt8(ascii: "(") else { return nil }
        let keyStart = bytes.index(after: open)
        let keyEnd = bytes.index(before: end)
        guard keyStart < keyEnd else { return nil }
        self.modifier = modifier
        self.key = String(text[keyStart..<keyEnd])
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
