/// One field error of a Pod Security check, as the `field.Error` values Kyverno's fork of
/// `k8s.io/pod-security-admission` attaches to a check result.
struct PodSecurityFieldError: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// `field.Forbidden`: the field holds a forbidden value.
        case forbidden
        /// `field.Required`: the field must be set.
        case required
    }

    /// A bad value as Go prints it with `%+v`.
    enum BadValue: Sendable, Equatable {
        case none
        case string(String)
        case bool(Bool)
        case int(Int)
        case strings([String])

        /// Go's `%+v` rendering.
        var goDescription: String {
            switch self {
            case .none: "<nil>"
            case .string(let value): value
            case .bool(let value): value ? "true" : "false"
            case .int(let value): String(value)
            case .strings(let values): "[" + values.joined(separator: " ") + "]"
            }
        }

        /// The values an exclusion's `values` must cover (Kyverno's `extractBadValues`).
        var excludableValues: [String] {
            switch self {
            case .none: []
            case .string(let value): value.isEmpty ? [] : [value]
            case .bool(let value): [value ? "true" : "false"]
            case .int(let value): [String(value)]
            case .strings(let values): values
            }
        }
    }

    var field: String
    var kind: Kind
    var badValue: BadValue = .none

    static func forbidden(_ field: String, _ value: BadValue = .none) -> PodSecurityFieldError {
        PodSecurityFieldError(field: field, kind: .forbidden, badValue: value)
    }

    static func required(_ field: String) -> PodSecurityFieldError {
        PodSecurityFieldError(field: field, kind: .required)
    }

    /// The text Kyverno prints for the error inside `field error list: [...]`.
    var message: String {
        switch kind {
        case .required:
            return "\(field): Required value"
        case .forbidden:
            if case .string(let value) = badValue, value.isEmpty { return "\(field): Forbidden" }
            return "\(field) is forbidden, forbidden values found: \(badValue.goDescription)"
        }
    }
}

/// A failed Pod Security check: the check ID (`privileged`, `capabilities_restricted`, ...), the reason and
/// detail texts of pod-security-admission, and the field errors.
struct PodSecurityCheckResult: Sendable, Equatable {
    var id: String
    var reason: String
    var detail: String
    var errors: [PodSecurityFieldError]
    /// Images of the containers the detail names (filled in by the evaluator for report properties).
    var images: [String]? = nil
}

/// A Pod Security Standards level and version (`latest` or `v1.N`).
struct PodSecurityLevelVersion: Sendable, Equatable {
    enum Level: String, Sendable {
        case privileged
        case baseline
        case restricted
    }

    var level: Level
    /// The minor version of Kubernetes 1.x; `nil` is `latest`.
    var minor: Int?

    /// Parses `latest`, an empty version (also `latest`), or `v1.N` as `api.ParseVersion` does.
    init?(level: String, version: String) {
        guard let level = Level(rawValue: level) else { return nil }
        self.level = level
        if version.isEmpty || version == "latest" {
            minor = nil
            return
        }
        guard version.hasPrefix("v1.") else { return nil }
        let digits = version.dropFirst(3)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), digits == "0" || !digits.hasPrefix("0"),
            digits.count < 6, let minor = Int(digits)
        else { return nil }
        self.minor = minor
    }

    /// Whether this version is at least `1.minimum` (`latest` is newer than every version).
    func atLeast(_ minimum: Int) -> Bool {
        guard let minor else { return true }
        return minor >= minimum
    }
}
