import JSONValue

/// An error answered by the Kubernetes API server: a decoded `Status` (or, for API Priority and
/// Fairness rejections, the plain-text 429 body) with the HTTP code and the request it answered.
///
/// Callers switch on ``reason``: `.conflict` to re-read and retry an update, `.expired` to relist,
/// `.notFound` and `.alreadyExists` for idempotent writes.
public struct KubeAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `Status.reason`, classified. Unknown reasons keep their text in ``rawReason``.
    public enum Reason: Sendable, Hashable {
        case notFound
        case alreadyExists
        case conflict
        /// `Expired` or `Gone` (HTTP 410): the resource version or continue token is too old.
        case expired
        case invalid
        case badRequest
        case forbidden
        case unauthorized
        case tooManyRequests
        case timeout
        case internalError
        case serviceUnavailable
        case methodNotAllowed
        case notAcceptable
        case unsupportedMediaType
        case requestEntityTooLarge
        case other
    }

    /// One entry of `details.causes`.
    public struct Cause: Sendable, Hashable {
        public var type: String?
        public var message: String?
        public var field: String?

        public init(type: String? = nil, message: String? = nil, field: String? = nil) {
            self.type = type
            self.message = message
            self.field = field
        }
    }

    /// `Status.details`: which object the error is about and why.
    public struct Details: Sendable, Hashable {
        public var name: String?
        public var group: String?
        /// The resource (plural) or kind named by the server.
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]
        public var retryAfterSeconds: Int?

        public init(
            name: String? = nil,
            group: String? = nil,
            kind: String? = nil,
            uid: String? = nil,
            causes: [Cause] = [],
            retryAfterSeconds: Int? = nil
        ) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    public var reason: Reason
    /// The reason text as the server sent it (empty when it sent none).
    public var rawReason: String
    /// The HTTP status code (or `Status.code` for errors inside a watch stream).
    public var code: Int
    public var message: String
    public var details: Details?
    /// The delay the server asked for, from the `Retry-After` header or `details.retryAfterSeconds`.
    public var retryAfterSeconds: Int?
    /// The request verb (`GET`, `POST`, ...) when known.
    public var verb: String?
    /// The request URL (path and query) when known.
    public var url: String?

    public init(
        reason: Reason,
        rawReason: String = "",
        code: Int,
        message: String,
        details: Details? = nil,
        retryAfterSeconds: Int? = nil,
        verb: String? = nil,
        url: String? = nil
    ) {
        self.reason = reason
        self.rawReason = rawReason
        self.code = code
        self.message = message
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds
        self.verb = verb
        self.url = url
    }

    public var description: String {
        var text = ""
        if let verb, let url { text += "\(verb) \(url): " }
        text += "\(code)"
        if !rawReason.isEmpty { text += " \(rawReason)" }
        text += ": \(message)"
        return text
    }

    /// Whether the error means a resource version or continue token is too old (HTTP 410).
    public var isExpired: Bool { reason == .expired }
}

extension KubeAPIError.Reason {
    /// Each reason with the `Status.reason` texts that name it and the HTTP code that implies it
    /// (`apimachinery/pkg/api/errors`); `AlreadyExists` shares 409 with `Conflict`, which the code implies.
    private static let spellings: [(reason: Self, texts: [String], code: Int?)] = [
        (.notFound, ["NotFound"], 404), (.alreadyExists, ["AlreadyExists"], nil), (.conflict, ["Conflict"], 409),
        (.expired, ["Expired", "Gone"], 410), (.invalid, ["Invalid"], 422), (.badRequest, ["BadRequest"], 400),
        (.forbidden, ["Forbidden"], 403), (.unauthorized, ["Unauthorized"], 401),
        (.tooManyRequests, ["TooManyRequests"], 429), (.timeout, ["Timeout", "ServerTimeout"], 504),
        (.internalError, ["InternalError"], 500), (.serviceUnavailable, ["ServiceUnavailable"], 503),
        (.methodNotAllowed, ["MethodNotAllowed"], 405), (.notAcceptable, ["NotAcceptable"], 406),
        (.unsupportedMediaType, ["UnsupportedMediaType"], 415),
        (.requestEntityTooLarge, ["RequestEntityTooLarge"], 413),
    ]

    /// Classifies a `Status.reason` string, falling back to the HTTP code when the reason is empty or
    /// unknown (as `apimachinery/pkg/api/errors` does).
    public init(reason: String, code: Int) {
        if let spelled = Self.spellings.first(where: { $0.texts.contains(reason) }) {
            self = spelled.reason
        } else {
            self.init(code: code)
        }
    }

    /// The reason implied by an HTTP status code alone.
    public init(code: Int) {
        self = Self.spellings.first { $0.code == code }?.reason ?? .other
    }
}
