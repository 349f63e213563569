/// Why a resource did not satisfy a pattern, classified as Kyverno classifies its errors: conditional
/// and global anchor mismatches make the rule skip, a matched negation anchor makes it fail.
struct PatternError: Error, Sendable {
    enum Kind: Sendable {
        case conditionalAnchor
        case globalAnchor
        case negationAnchor
        /// A plain mismatch (wrong value, missing field, different structure).
        case mismatch
        /// Several skip errors combined (Kyverno's `*PatternError` with `Skip: true`).
        case skipGroup
    }

    var kind: Kind
    var message: String

    static let conditionalPrefix = "conditional anchor mismatch"
    static let globalPrefix = "global anchor mismatch"
    static let negationPrefix = "negation anchor matched in resource"

    static func conditional(_ message: String) -> PatternError {
        PatternError(kind: .conditionalAnchor, message: conditionalPrefix + ": " + message)
    }

    static func global(_ message: String) -> PatternError {
        PatternError(kind: .globalAnchor, message: globalPrefix + ": " + message)
    }

    static func negation(_ message: String) -> PatternError {
        PatternError(kind: .negationAnchor, message: negationPrefix + ": " + message)
    }

    static func mismatch(_ message: String) -> PatternError {
        PatternError(kind: .mismatch, message: message)
    }

    /// Kyverno's `skip(err)`: typed anchor errors by kind, other errors by their text.
    var isSkip: Bool {
        switch kind {
        case .conditionalAnchor, .globalAnchor: true
        case .negationAnchor: false
        case .mismatch, .skipGroup:
            message.containsBytes(Self.conditionalPrefix) || message.containsBytes(Self.globalPrefix)
        }
    }

    /// Kyverno's `fail(err)`: a negation anchor matched.
    var isNegation: Bool {
        switch kind {
        case .negationAnchor: true
        case .conditionalAnchor, .globalAnchor: false
        case .mismatch, .skipGroup: message.containsBytes(Self.negationPrefix)
        }
    }

    /// Combines skip errors as `multierr.Combine` prints them.
    static func skipGroup(_ errors: [PatternError]) -> PatternError {
        PatternError(kind: .skipGroup, message: errors.map(\.message).joined(separator: "; "))
    }
}

/// The outcome of matching a whole pattern (Kyverno's `MatchPattern`).
enum PatternOutcome: Sendable, Equatable {
    case pass
    /// The rule does not apply (conditional or global anchors did not match).
    case skip(message: String)
    /// Failed at `path`.
    case fail(message: String, path: String)
    /// Failed without a path (an anchor key is missing from the resource): Kyverno reports an error.
    case error(message: String)
}
