/// Why a lookup outside the resource failed (an image registry, a web service, the API server, a
/// GlobalContextEntry): one type from the client that fails to the report property that shows it, so the
/// class is never re-parsed from a string on the way.
///
/// The raw values are what reports and metrics show (`imageError`, `serviceError`, `globalContextError`
/// properties; the `class` label of `vigil_registry_lookups_total`).
public enum FailureClass: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Connection refused, host name not resolved, no route, connection lost, or a 5xx answer.
    case unreachable
    /// A connect or total timeout expired.
    case timeout
    /// A TLS handshake failed (untrusted or mismatched certificate, unusable CA bundle).
    case tls
    /// Credentials (or their absence) were refused: 401, or 403 from a registry.
    case unauthorized
    /// The API server refused the request (403).
    case forbidden
    /// The thing looked up does not exist (`MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, 404, no such entry).
    case notFound = "not-found"
    /// The input does not parse, or the answer is not usable (bad JSON, unknown media type, digest
    /// mismatch, no matching platform).
    case invalid
    /// No source can answer this kind of lookup here (for example the CLI without a registry client).
    case unavailable
    /// A service answered with a status outside 200–299.
    case httpStatus = "http-status"
    /// A service answered with a body that is not JSON.
    case invalidJSON = "invalid-json"
    /// A service answered with more than the response-size limit.
    case tooLarge = "too-large"
    /// A GlobalContextEntry exists but has no data yet (its first list or call has not succeeded).
    case notReady = "not-ready"
    /// A failure no source classified.
    case other = "error"

    public var description: String { rawValue }
}
