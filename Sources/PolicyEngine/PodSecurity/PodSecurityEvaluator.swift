import JSONValue

/// `validate.podSecurity`: runs the Pod Security Standards checks of the level and version on a Pod, or on
/// the Pod template of a workload controller, applies the rule's exclusions (and those of a matching
/// PolicyException), and reports as Kyverno's `validatePssHandler` does: the pass and fail messages, the
/// failed checks with field paths rewritten for the resource kind, and the report properties `standard`,
/// `version`, `controls` and `controlsJSON`.
enum PodSecurityEvaluator {
    static let templateKinds: Set<String> = [
        "DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController",
    ]

    static func evaluate(
        _ podSecurity: PodSecurity, rule: Rule, resource: JSONValue, exceptions: [PolicyException] = []
    ) -> RuleResult {
        let kind = resource["kind"]?.stringValue ?? ""
        guard let pod = podView(of: resource, kind: kind) else {
            return .error(rule, "Error while getting new resource: could not find correct resource type")
        }
        guard let level = PodSecurityLevelVersion(level: podSecurity.level, version: podSecurity.version) else {
            return .error(
                rule, "failed to parse pod security api version: invalid version \"\(podSecurity.version)\"")
        }
        var failures = PodSecurityChecks.evaluate(level, pod: pod)
        if !podSecurity.exclude.isEmpty {
            failures = PodSecurityExclusions.apply(podSecurity.exclude, to: failures, level: level, pod: pod)
        }
        if failures.isEmpty {
            return .pass(rule, "Validation rule '\(rule.name)' passed.")
        }
        if !exceptions.isEmpty {
            let exclusions = exceptions.flatMap(\.podSecurity)
            failures = PodSecurityExclusions.apply(exclusions, to: failures, level: level, pod: pod)
            if failures.isEmpty {
                var result = RuleResult.skip(
                    rule, "rule is skipped due to policy exceptions " + exceptions.map(\.key).joined(separator: ", "))
                result.properties["exceptions"] = exceptions.map(\.name).joined(separator: ",")
                return result
            }
        }
        failures = convert(failures, kind: kind, resource: resource)
        let message =
            "Validation rule '\(rule.name)' failed. It violates PodSecurity "
            + "\"\(podSecurity.level):\(podSecurity.version)\": " + format(failures)
        var result = RuleResult.fail(rule, message)
        for (key, value) in properties(failures, podSecurity: podSecurity) { result.properties[key] = value }
        return result
    }

    /// The Pod metadata and spec of a Pod, a workload controller's template, or a CronJob's job template.
    static func podView(of resource: JSONValue, kind: String) -> PodSecurityChecks.PodView? {
        let empty = JSONValue.object([:])
        switch kind {
        case "Pod":
            return PodSecurityChecks.PodView(metadata: resource["metadata"] ?? empty, spec: resource["spec"] ?? empty)
        case _ where templateKinds.contains(kind):
            let template = resource["spec"]?["template"]
            return PodSecurityChecks.PodView(metadata: template?["metadata"] ?? empty, spec: template?["spec"] ?? empty)
        case "CronJob":
            let jobTemplate = resource["spec"]?["jobTemplate"]
            return PodSecurityChecks.PodView(
                metadata: jobTemplate?["metadata"] ?? empty, spec: jobTemplate?["spec"]?["template"]?["spec"] ?? empty)
        default:
            return nil
        }
    }

    /// Kyverno's `convertChecks` (field paths of templates) and `addImages` (images of the named containers).
    static func convert(_ failures: [PodSecurityCheckResult], kind: String, resource: JSONValue)
        -> [PodSecurityCheckResult]
    {
        let specPrefix: String? =
            templateKinds.contains(kind)
            ? "spec.template.spec" : kind == "CronJob" ? "spec.jobTemplate.spec.template.spec" : nil
        return failures.map { failure in
            var failure = failure
            for index in failure.errors.indices {
                var field = failure.errors[index].field
                if let specPrefix { field = replacingAll("spec", with: specPrefix, in: field) }
                field = replacingAll("metadata", with: "spec.template.metadata", in: field)
                failure.errors[index].field = field
            }
            if let names = containerNames(in: failure.detail) {
                failure.images = names.map { ImageInfo.reference(ofContainer: $0, in: resource) ?? $0 }
            }
            return failure
        }
    }

    /// The container names of a detail text, as Kyverno's `container(?:s)?\s*(.*?)\s*must` (on one line).
    static func containerNames(in detail: String) -> [String]? {
        for line in detail.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = line[...]
            while let start = rest.firstRange(of: "container") {
                var after = rest[start.upperBound...]
                if after.first == "s" { after = after.dropFirst() }
                if let must = after.firstRange(of: "must") {
                    let names = after[..<must.lowerBound].filter { $0 != "\"" && $0 != " " }
                    return names.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                }
                rest = after
            }
        }
        return nil
    }

    /// `(Forbidden reason: R, field error list: [E1, E2])` per failed check.
    static func format(_ failures: [PodSecurityCheckResult]) -> String {
        failures.map { failure in
            "(Forbidden reason: \(failure.reason), field error list: ["
                + failure.errors.map(\.message).joined(separator: ", ") + "])"
        }.joined()
    }

    static func properties(_ failures: [PodSecurityCheckResult], podSecurity: PodSecurity) -> [String: String] {
        let controls = failures.map { failure -> JSONValue in
            .object([
                "ID": .string(failure.id),
                "Name": .string(PodSecurityExclusions.controlName(ofCheck: failure.id)),
                "Images": failure.images.map { .array($0.map(JSONValue.string)) } ?? .null,
            ])
        }
        return [
            "standard": podSecurity.level, "version": podSecurity.version,
            "controls": failures.map(\.id).joined(separator: ","),
            "controlsJSON": JSONValue.array(controls).serialized(),
        ]
    }

    static func replacingAll(_ target: String, with replacement: String, in text: String) -> String {
        guard text.contains(target) else { return text }
        var result = ""
        var rest = text[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
