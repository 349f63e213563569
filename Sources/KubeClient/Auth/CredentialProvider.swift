import Foundation
import JSONValue

/// Supplies request credentials and keeps them fresh: token files are re-read at most every
/// ``tokenFileRefreshInterval`` and right after a 401, exec plugins are re-run when their credential
/// expires or is rejected. Concurrent callers share one refresh.
public actor CredentialProvider {
    public let authentication: ClientConfiguration.Authentication
    /// How long a token read from a file is used before reading the file again (client-go: 1 minute).
    public let tokenFileRefreshInterval: Duration
    private let environment: [String: String]
    private let now: @Sendable () -> Date
    private let clock = ContinuousClock()

    private var cached: Credentials?
    private var cachedAt: ContinuousClock.Instant?
    private var refresh: Task<Credentials, any Error>?
    /// How many times a token file was read or a plugin was run (for tests and metrics).
    public private(set) var refreshCount = 0

    /// - Parameters:
    ///   - environment: the base environment for exec plugins.
    ///   - now: the wall clock used to judge exec credential expiry.
    public init(
        authentication: ClientConfiguration.Authentication,
        tokenFileRefreshInterval: Duration = .seconds(60),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.authentication = authentication
        self.tokenFileRefreshInterval = tokenFileRefreshInterval
        self.environment = environment
        self.now = now
    }

    /// The credentials for the next request.
    /// - Throws: ``KubeConfigError`` when a token file cannot be read (and there is no fallback token) or
    ///   an exec plugin fails.
    public func credentials() async throws -> Credentials {
        switch authentication {
        case .none:
            return .none
        case .bearerToken(let token):
            return Credentials(authorization: "Bearer \(token)")
        case .basic(let username, let password):
            return Credentials(authorization: "Basic \(Base64.encode(Array("\(username):\(password)".utf8)))")
        case .tokenFile, .exec:
            if let cached, isFresh(cached) { return cached }
            if let refresh { return try await refresh.value }
            let task = Task { try await self.load() }
            refresh = task
            defer { refresh = nil }
            let fresh = try await task.value
            cached = fresh
            cachedAt = clock.now
            return fresh
        }
    }

    /// Reports that the server answered 401 to a request made with `rejected`: the next call to
    /// ``credentials()`` reads the token file or runs the plugin again (unless another caller already
    /// refreshed them).
    public func invalidate(_ rejected: Credentials) {
        if cached == rejected {
            cached = nil
            cachedAt = nil
        }
    }

    private func isFresh(_ credentials: Credentials) -> Bool {
        switch authentication {
        case .tokenFile:
            guard let cachedAt else { return false }
            return cachedAt.duration(to: clock.now) < tokenFileRefreshInterval
        case .exec:
            guard let expiration = credentials.expiration else { return true }
            return now() < expiration
        default:
            return true
        }
    }

    private func load() async throws -> Credentials {
        refreshCount += 1
        switch authentication {
        case .tokenFile(let path, let fallback):
            // A token file is a few hundred bytes, read at most once a minute.
            do {
                let bytes = try ConfigFiles.read(path, field: "tokenFile", configFile: nil)
                let token = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
                guard !token.isEmpty else {
                    throw KubeConfigError(.invalidField, file: path, "the token file is empty")
                }
                return Credentials(authorization: "Bearer \(token)")
            } catch {
                guard let fallback else { throw error }
                return Credentials(authorization: "Bearer \(fallback)")
            }
        case .exec(let configuration):
            let credential = try await ExecCredentialPlugin.run(configuration, environment: environment)
            return Credentials(
                authorization: credential.token.map { "Bearer \($0)" },
                clientCertificatePEM: credential.clientCertificatePEM,
                clientKeyPEM: credential.clientKeyPEM,
                expiration: credential.expiration
            )
        case .none, .bearerToken, .basic:
            return try await credentials()
        }
    }
}
