import JSONValue

/// A failed request, rendered as a Kubernetes `Status` object with the code and reason a real API
/// server uses (`NotFound`/404, `AlreadyExists`/409, `Conflict`/409, `Invalid`/422, `Expired`/410, ...).
public struct StatusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One entry of `details.causes`.
    public struct Cause: Sendable, Equatable {
        public var type: String
        public var message: String
        public var field: String

        public init(type: String, message: String, field: String) {
            self.type = type
            self.message = message
            self.field = field
        }
    }

    /// The HTTP status code, also written as the Status's `code`.
    public var code: Int
    /// The machine-readable reason (`NotFound`, `Conflict`, ...); empty for an unknown reason.
    public var reason: String
    public var message: String
    /// `details.name`, `details.group`, `details.kind` (the resource's plural, as the server writes it).
    public var name: String?
    public var group: String?
    public var kind: String?
    public var causes: [Cause] = []
    public var retryAfterSeconds: Int?
    /// `metadata.continue` of an `Expired` Status that allows an inconsistent continuation.
    public var continueToken: String?
    /// Write `details` even when it is empty (`"details":{}`), as kube-apiserver does for the errors it
    /// builds without a resource (unknown paths, methods, media types, failed JSON patches).
    public var emptyDetails = false

    public init(
        code: Int, reason: String, message: String, name: String? = nil, group: String? = nil, kind: String? = nil,
        causes: [Cause] = [], retryAfterSeconds: Int? = nil
    ) {
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// The `Status` document.
    public var status: JSONValue {
        var metadata: JSONObject = [:]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        var object: JSONObject = [
            "kind": "Status", "apiVersion": "v1", "metadata": .object(metadata), "status": "Failure",
            "message": .string(message),
        ]
        if !reason.isEmpty { object["reason"] = .string(reason) }
        var details: JSONObject = [:]
        // Go's omitempty: empty strings are left out.
        if let name, !name.isEmpty { details["name"] = .string(name) }
        if let group, !group.isEmpty { details["group"] = .string(group) }
        if let kind, !kind.isEmpty { details["kind"] = .string(kind) }
        if !causes.isEmpty {
            details["causes"] = .array(
                causes.map { cause in
                    var entry: JSONObject = ["reason": .string(cause.type), "message": .string(cause.message)]
                    if !cause.field.isEmpty { entry["field"] = .string(cause.field) }
                    return .object(entry)
                })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(retryAfterSeconds) }
        if !details.isEmpty || emptyDetails { object["details"] = .object(details) }
        object["code"] = .int(code)
        return .object(object)
    }
}

extension StatusError {
    /// `pods "x"` or `deployments.apps "x"`: how messages name an object of a resource.
    static func qualified(_ resource: GroupResource, _ name: String) -> String {
        "\(resource) \"\(name)\""
    }

    static func notFound(_ resource: GroupResource, _ name: String) -> StatusError {
        StatusError(
            code: 404, reason: "NotFound", message: "\(qualified(resource, name)) not found", name: name,
            group: resource.group, kind: resource.resource)
    }

    static func alreadyExists(_ resource: GroupResource, _ name: String) -> StatusError {
        StatusError(
            code: 409, reason: "AlreadyExists", message: "\(qualified(resource, name)) already exists", name: name,
            group: resource.group, kind: resource.resource)
    }

    static func conflict(_ resource: GroupResource, _ name: String, _ detail: String) -> StatusError {
        StatusError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(qualified(resource, name)): \(detail)", name: name,
            group: resource.group, kind: resource.resource)
    }

    static func modified(_ resource: GroupResource, _ name: String) -> StatusError {
        conflict(
            resource, name,
            "the object has been modified; please apply your changes to the latest version and try again")
    }

    /// 422 `Invalid`: `Kind "name" is invalid: field: message`.
    static func invalid(kind: String, group: String, name: String, causes: [Cause]) -> StatusError {
        let summary = causes.map { cause in cause.field.isEmpty ? cause.message : "\(cause.field): \(cause.message)" }
        let joined = summary.count == 1 ? summary[0] : "[" + summary.joined(separator: ", ") + "]"
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        return StatusError(
            code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(joined)", name: name,
            group: group, kind: kind, causes: causes)
    }

    /// 422 for invalid request options (`ListOptions`, `PatchOptions`, `DeleteOptions`, in `meta.k8s.io`).
    static func invalidOptions(_ kind: String, _ causes: [Cause]) -> StatusError {
        invalid(kind: kind, group: "meta.k8s.io", name: "", causes: causes)
    }

    static func badRequest(_ message: String) -> StatusError {
        StatusError(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotAllowed(_ message: String) -> StatusError {
        var error = StatusError(code: 405, reason: "MethodNotAllowed", message: message)
        error.emptyDetails = true
        return error
    }

    static func unsupportedMediaType(_ message: String) -> StatusError {
        StatusError(code: 415, reason: "UnsupportedMediaType", message: message)
    }

    /// A PATCH with a content type that is not a patch type (kube-apiserver's generic 415).
    static let unsupportedPatchType: StatusError = {
        var error = StatusError(code: 415, reason: "UnsupportedMediaType", message: "415: Unsupported Media Type")
        error.emptyDetails = true
        return error
    }()

    /// A JSON patch that cannot be applied: kube-apiserver answers with its generic 422 (the reason is not
    /// in the Status).
    static let jsonPatchFailed: StatusError = {
        var error = StatusError(
            code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request")
        error.emptyDetails = true
        return error
    }()

    static func notAcceptable(_ message: String) -> StatusError {
        StatusError(code: 406, reason: "NotAcceptable", message: message)
    }

    static func expired(_ message: String) -> StatusError {
        StatusError(code: 410, reason: "Expired", message: message)
    }

    static func tooLarge(limit: Int) -> StatusError {
        StatusError(
            code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }

    static let unauthorized = StatusError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static func pathNotFound(_ path: String) -> StatusError {
        var error = StatusError(
            code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        error.emptyDetails = true
        return error
    }

    static func internalError(_ message: String) -> StatusError {
        StatusError(
            code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
            causes: [Cause(type: "UnexpectedServerResponse", message: message, field: "")])
    }

    static func tooLargeResourceVersion(_ requested: Int, current: Int) -> StatusError {
        StatusError(
            code: 504, reason: "Timeout",
            message: "Timeout: Too large resource version: \(requested), current: \(current)",
            causes: [
                Cause(
                    type: "ResourceVersionTooLarge", message: "Too large resource version", field: "")
            ], retryAfterSeconds: 1)
    }
}
