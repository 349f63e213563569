/// A JSON Pointer (RFC 6901): a sequence of reference tokens that names one value inside a document,
/// written `/spec/containers/0/image` (in the text form `~` is escaped as `~0` and `/` as `~1`, so the
/// label key `app.kubernetes.io/name` is the token `app.kubernetes.io~1name`).
///
/// The empty pointer (`""`) names the whole document. Vigil uses pointers for report paths and for
/// lookups into Kubernetes objects.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens, outermost first.
    public var tokens: [String]

    /// The pointer to the whole document.
    public static let root = JSONPointer(tokens: [])

    /// A pointer from unescaped tokens, e.g. `["metadata", "labels", "app.kubernetes.io/name"]`.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the text form of a pointer, e.g. `/metadata/labels/app.kubernetes.io~1name`.
    /// - Throws: ``JSONPointerError`` when the text is neither empty nor starts with `/`, or contains
    ///   a `~` that is not followed by `0` or `1`.
    public init(_ text: String) throws(JSONPointerError) {
        guard !text.isEmpty else {
            self.tokens = []
            return
        }
        guard text.utf8.first == UInt8(ascii: "/") else {
            throw JSONPointerError(.syntax, pointer: text, message: "a JSON pointer must be empty or start with '/'")
        }
        var tokens: [String] = []
        for raw in text.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            tokens.append(try Self.unescape(Substring(raw), pointer: text))
        }
        self.tokens = tokens
    }

    /// The text form: each token escaped (`~` → `~0`, `/` → `~1`) and prefixed with `/`.
    public var description: String {
        var text = ""
        for token in tokens {
            text += "/"
            text += Self.escape(token)
        }
        return text
    }

    /// This pointer with one more object key or array index token.
    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    /// This pointer with one more array index token.
    public func appending(index: Int) -> JSONPointer {
        appending(String(index))
    }

    /// The pointer to the containing value; `nil` for the root.
    public var parent: JSONPointer? {
        tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast()))
    }

    /// A token in its escaped text form.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingTildeAndSlash()
    }

    static func unescape(_ raw: Substring, pointer: String) throws(JSONPointerError) -> String {
        guard raw.utf8.contains(UInt8(ascii: "~")) else { return String(raw) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var iterator = raw.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "~") else {
                bytes.append(byte)
                continue
            }
            switch iterator.next() {
            case UInt8(ascii: "0"): bytes.append(UInt8(ascii: "~"))
            case UInt8(ascii: "1"): bytes.append(UInt8(ascii: "/"))
            default:
                throw JSONPointerError(.syntax, pointer: pointer, message: "'~' must be followed by '0' or '1'")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The array index a token names (`0` or a decimal without leading zeros), if it is one.
    static func arrayIndex(_ token: String) -> Int? {
        let utf8 = token.utf8
        guard let first = utf8.first, first &- UInt8(ascii: "0") < 10, utf8.count <= 18 else { return nil }
        if first == UInt8(ascii: "0") && utf8.count > 1 { return nil }
        var value = 0
        for byte in utf8 {
            guard byte &- UInt8(ascii: "0") < 10 else { return nil }
            value = value * 10 + Int(byte &- UInt8(ascii: "0"))
        }
        return value
    }
}

extension String {
    fileprivate func replacingTildeAndSlash() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 4)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "~"): bytes.append(contentsOf: [UInt8(ascii: "~"), UInt8(ascii: "0")])
            case UInt8(ascii: "/"): bytes.append(contentsOf: [UInt8(ascii: "~"), UInt8(ascii: "1")])
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A JSON Pointer that is malformed or cannot be applied to a document.
public struct JSONPointerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The pointer text is malformed.
        case syntax
        /// A token names a member or element that does not exist.
        case notFound
        /// A token is applied to a value that is not an object or array, or is not a valid array index.
        case typeMismatch
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The pointer, in text form.
    public var pointer: String
    /// What went wrong.
    public var message: String

    public init(_ kind: Kind, pointer: String, message: String) {
        self.kind = kind
        self.pointer = pointer
        self.message = message
    }

    public var description: String {
        "JSON pointer \"\(pointer)\": \(message)"
    }
}
