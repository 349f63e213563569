/// The text a health endpoint answers, in the format of Kubernetes components (`kube-apiserver /readyz`):
///
/// ```
/// [+]ping ok
/// [-]informers-synced failed: waiting for informers: pods
/// readyz check failed
/// ```
///
/// A passing endpoint answers `ok` (or the list ending in `readyz check passed` with `?verbose`); a failing
/// one always lists the checks, with the reason of each failing one. `?exclude=<name>` (repeatable) leaves a
/// check out, as in Kubernetes.
public struct HealthReport: Sendable, Hashable {
    /// The endpoint name used in the last line (`healthz`, `readyz`).
    public var endpoint: String
    /// The checks considered, in order.
    public var checks: [HealthCheck]

    public init(endpoint: String, checks: [HealthCheck]) {
        self.endpoint = endpoint
        self.checks = checks
    }

    /// Whether every check passes.
    public var passing: Bool { checks.allSatisfy(\.passing) }

    /// The names of the failing checks.
    public var failing: [String] { checks.filter { !$0.passing }.map(\.name) }

    /// The response body.
    public func render(verbose: Bool) -> String {
        if passing && !verbose { return "ok" }
        var lines = checks.map { check in
            if check.passing { return "[+]\(check.name) ok" }
            return "[-]\(check.name) failed: \(check.message ?? "reason unknown")"
        }
        lines.append("\(endpoint) check \(passing ? "passed" : "failed")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The HTTP status: 200 when passing, else 503.
    public var statusCode: Int { passing ? 200 : 503 }
}
