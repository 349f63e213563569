import JSONValue

/// The Pod Security Standards checks of `k8s.io/pod-security-admission` (Kyverno's fork, v1.34 with field
/// errors), re-implemented over JSON: same IDs, levels, per-version variants, reasons, details and field
/// errors. Written by hand because Vigil has no Go runtime; each check mirrors one upstream `check_*.go`.
enum PodSecurityChecks {
    /// One check with its versioned variants (minimum minor version of Kubernetes 1.x, evaluation).
    struct Check: Sendable {
        var id: String
        var level: PodSecurityLevelVersion.Level
        var versions: [(minimum: Int, evaluate: @Sendable (PodView) -> PodSecurityCheckResult?)]
    }

    /// The Pod (or Pod template) being checked: its metadata and spec.
    struct PodView: Sendable {
        var metadata: JSONValue
        var spec: JSONValue

        /// Init containers, containers, then ephemeral containers, with their field paths.
        var containers: [(container: JSONValue, path: String)] {
            var result: [(JSONValue, String)] = []
            for group in ["initContainers", "containers", "ephemeralContainers"] {
                for (index, container) in (spec[group]?.arrayValue ?? []).enumerated() {
                    result.append((container, "spec.\(group)[\(index)]"))
                }
            }
            return result
        }

        var podSecurityContext: JSONValue? { present(spec["securityContext"]) }

        var isWindows: Bool { spec["os"]?["name"]?.stringValue == "windows" }
    }

    /// All checks in the order `policy.DefaultChecks()` registers them (file order of the upstream package).
    static let all: [Check] = [
        Check(
            id: "allowPrivilegeEscalation", level: .restricted,
            versions: [
                (8, allowPrivilegeEscalation(windowsExempt: false)),
                (25, allowPrivilegeEscalation(windowsExempt: true)),
            ]),
        Check(id: "appArmorProfile", level: .baseline, versions: [(0, appArmorProfile)]),
        Check(id: "capabilities_baseline", level: .baseline, versions: [(0, capabilitiesBaseline)]),
        Check(
            id: "capabilities_restricted", level: .restricted,
            versions: [
                (22, capabilitiesRestricted(windowsExempt: false)), (25, capabilitiesRestricted(windowsExempt: true)),
            ]),
        Check(id: "hostNamespaces", level: .baseline, versions: [(0, hostNamespaces)]),
        Check(id: "hostPathVolumes", level: .baseline, versions: [(0, hostPathVolumes)]),
        Check(id: "hostPorts", level: .baseline, versions: [(0, hostPorts)]),
        Check(id: "hostProbesAndHostLifecycle", level: .baseline, versions: [(34, hostProbesAndLifecycle)]),
        Check(id: "privileged", level: .baseline, versions: [(0, privileged)]),
        Check(id: "procMount", level: .baseline, versions: [(0, procMount)]),
        Check(id: "restrictedVolumes", level: .restricted, versions: [(0, restrictedVolumes)]),
        Check(id: "runAsNonRoot", level: .restricted, versions: [(0, runAsNonRoot)]),
        Check(id: "runAsUser", level: .restricted, versions: [(23, runAsUser)]),
        Check(
            id: "seLinuxOptions", level: .baseline,
            versions: [(0, seLinuxOptions(allowed: seLinuxTypes)), (31, seLinuxOptions(allowed: seLinuxTypes1Dot31))]),
        Check(
            id: "seccompProfile_baseline", level: .baseline, versions: [(0, seccompAnnotations), (19, seccompBaseline)]),
        Check(
            id: "seccompProfile_restricted", level: .restricted,
            versions: [(19, seccompRestricted(windowsExempt: false)), (25, seccompRestricted(windowsExempt: true))]),
        Check(
            id: "sysctls", level: .baseline,
            versions: [
                (0, sysctls(allowed: sysctls1Dot0)), (27, sysctls(allowed: sysctls1Dot27)),
                (29, sysctls(allowed: sysctls1Dot29)), (32, sysctls(allowed: sysctls1Dot32)),
            ]),
        Check(id: "windowsHostProcess", level: .baseline, versions: [(0, windowsHostProcess)]),
    ]

    /// Runs every check of the level in the variant for the version, as Kyverno's `evaluatePSS`: the newest
    /// variant not newer than the version, or the oldest one. Kyverno leaves out the restricted checks only
    /// for `baseline`, so `privileged` runs every check, like `restricted`.
    static func evaluate(_ level: PodSecurityLevelVersion, pod: PodView) -> [PodSecurityCheckResult] {
        var results: [PodSecurityCheckResult] = []
        for check in all {
            if level.level == .baseline && check.level != .baseline { continue }
            var selected = check.versions[0]
            for next in check.versions.dropFirst() where level.atLeast(next.minimum) && selected.minimum < next.minimum
            {
                selected = next
            }
            if let failure = selected.evaluate(pod) { results.append(failure) }
        }
        return results
    }

    // MARK: - Helpers shared by the checks

    /// The value unless it is absent or JSON null (a nil pointer in Go).
    static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    static func securityContext(_ container: JSONValue) -> JSONValue? { present(container["securityContext"]) }

    static func name(_ container: JSONValue) -> String { container["name"]?.stringValue ?? "" }

    static func joinQuote(_ items: [String]) -> String {
        items.isEmpty ? "" : "\"" + items.joined(separator: "\", \"") + "\""
    }

    /// The result for the containers `names` refused with `errors`, nil when there are none: its detail is
    /// ``containerList(_:)`` followed by `requirement` (`must not set securityContext.privileged=true`).
    static func containersResult(
        _ names: [String], _ errors: [PodSecurityFieldError], id: String, reason: String, _ requirement: String
    ) -> PodSecurityCheckResult? {
        guard !names.isEmpty else { return nil }
        return PodSecurityCheckResult(
            id: id, reason: reason, detail: "\(containerList(names)) \(requirement)", errors: errors)
    }

    /// The result whose detail lists `parts` joined by `separator`; nil when there are none.
    static func listResult(
        _ parts: [String], separator: String, id: String, reason: String, errors: [PodSecurityFieldError]
    ) -> PodSecurityCheckResult? {
        guard !parts.isEmpty else { return nil }
        return PodSecurityCheckResult(
            id: id, reason: reason, detail: parts.joined(separator: separator), errors: errors)
    }

    /// The result for what sets a forbidden value (`setters`: `pod`, ``containerList(_:)``), nil when nothing
    /// does: its detail is the setters joined by ` and ` followed by `requirement`.
    static func settersResult(
        _ setters: [String], _ errors: [PodSecurityFieldError], id: String, reason: String, _ requirement: String
    ) -> PodSecurityCheckResult? {
        guard !setters.isEmpty else { return nil }
        return PodSecurityCheckResult(
            id: id, reason: reason, detail: "\(setters.joined(separator: " and ")) \(requirement)", errors: errors)
    }

    /// `container "a"` or `containers "a", "b"`, as the checks name the containers they refuse.
    static func containerList(_ names: [String]) -> String {
        "\(pluralize("container", "containers", names.count)) \(joinQuote(names))"
    }

    static func pluralize(_ singular: String, _ plural: String, _ count: Int) -> String {
        count == 1 ? singular : plural
    }

    /// Go's `sets.NewString(...).List()`: unique and sorted.
    static func sortedSet(_ items: [String]) -> [String] { Array(Set(items)).sorted() }

    /// The strings of a JSON array (capabilities and the like), ignoring other values.
    static func strings(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
