import JSONValue

/// What the client reports after each HTTP attempt, for metrics (`vigil_api_requests_total`).
///
/// Every field has a bounded set of values: the resource is `plural.group`, never an object name.
public struct RequestMetric: Sendable, Hashable {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `discovery`.
    public var verb: String
    /// `pods`, `policyreports.wgpolicyk8s.io`, or the discovery path.
    public var resource: String
    /// The HTTP status, or `nil` when no response arrived.
    public var statusCode: Int?
    /// How long the attempt took (for a watch: until the response head).
    public var duration: Duration
    /// 0 for the first attempt, then 1, 2, ... for retries.
    public var attempt: Int

    public init(verb: String, resource: String, statusCode: Int?, duration: Duration, attempt: Int) {
        self.verb = verb
        self.resource = resource
        self.statusCode = statusCode
        self.duration = duration
        self.attempt = attempt
    }
}

/// Receives ``RequestMetric``s; called on the requesting task, so it must be quick.
public typealias RequestMetricsHook = @Sendable (RequestMetric) -> Void
