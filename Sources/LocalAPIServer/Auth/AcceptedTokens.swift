import Synchronization

/// The bearer tokens the server accepts. They can be replaced while it runs, as a cluster rotates bound
/// service account tokens: requests with a token no longer in the set get 401.
public final class AcceptedTokens: Sendable {
    private let tokens: Mutex<Set<String>>

    /// - Parameter tokens: the accepted tokens; empty accepts every request.
    public init(_ tokens: Set<String>) {
        self.tokens = Mutex(tokens)
    }

    /// Replaces the accepted tokens (empty accepts every request).
    public func replace(with tokens: Set<String>) {
        self.tokens.withLock { $0 = tokens }
    }

    /// The tokens accepted now.
    public var current: Set<String> { tokens.withLock { $0 } }

    /// Whether a request carrying `token` (empty when it has none) is authenticated.
    func accepts(_ token: String) -> Bool {
        tokens.withLock { $0.isEmpty || $0.contains(token) }
    }
}
