import JSONValue

/// `podSecurity.exclude` (in a rule or a PolicyException), as Kyverno's `ApplyPodSecurityExclusion`: each
/// exclusion re-evaluates the Pod reduced to what it covers (the pod-level fields when it names no images, the
/// containers whose image matches otherwise) and removes, from the Pod's failures of the control, one field
/// error per matching field error of the reduced Pod (same field with indexes as `*`, same container for
/// container fields; `restrictedField` and `values` narrow it).
enum PodSecurityExclusions {
    /// Pod Security control names (as in the Pod Security Standards page) to check IDs.
    static let controlIDs: [String: [String]] = [
        "Capabilities": ["capabilities_baseline", "capabilities_restricted"],
        "Seccomp": ["seccompProfile_baseline", "seccompProfile_restricted"],
        "Privileged Containers": ["privileged"],
        "Host Ports": ["hostPorts"],
        "/proc Mount Type": ["procMount"],
        "HostProcess": ["windowsHostProcess"],
        "SELinux": ["seLinuxOptions"],
        "Host Namespaces": ["hostNamespaces"],
        "HostPath Volumes": ["hostPathVolumes"],
        "Sysctls": ["sysctls"],
        "AppArmor": ["appArmorProfile"],
        "Privilege Escalation": ["allowPrivilegeEscalation"],
        "Running as Non-root": ["runAsNonRoot"],
        "Running as Non-root user": ["runAsUser"],
        "Volume Types": ["restrictedVolumes"],
    ]

    /// The control name of a check ID (empty for checks without a control name).
    static func controlName(ofCheck id: String) -> String {
        controlIDs.first { $0.value.contains(id) }?.key ?? ""
    }

    static func apply(
        _ exclusions: [PodSecurityExclusion], to failures: [PodSecurityCheckResult],
        level: PodSecurityLevelVersion, pod: PodSecurityChecks.PodView
    ) -> [PodSecurityCheckResult] {
        var failures = failures
        for exclusion in exclusions {
            let reduced: PodSecurityChecks.PodView
            let containerLevel = !exclusion.images.isEmpty
            if containerLevel {
                reduced = matchingContainers(of: pod, images: exclusion.images.map(Wildcard.init))
            } else {
                var spec = pod.spec
                spec["containers"] = .array([.object(["name": .string("fake")])])
                spec["initContainers"] = nil
                spec["ephemeralContainers"] = nil
                reduced = PodSecurityChecks.PodView(metadata: pod.metadata, spec: spec)
            }
            let ids = controlIDs[exclusion.controlName] ?? []
            let values = exclusion.values.map(Wildcard.init)
            for excluded in PodSecurityChecks.evaluate(level, pod: reduced) where ids.contains(excluded.id) {
                for error in excluded.errors {
                    let field = FieldLocation(error.field, containerLevel: containerLevel)
                    guard exclusion.restrictedField.map({ $0.isEmpty || $0 == field.pattern }) ?? true else { continue }
                    let covered =
                        values.isEmpty
                        || error.badValue.excludableValues.allSatisfy { value in values.contains { $0.matches(value) } }
                    guard covered, let index = failures.firstIndex(where: { $0.id == excluded.id }) else { continue }
                    let excludedContainer = field.containerName(in: reduced)
                    var errors = failures[index].errors
                    for (position, candidate) in errors.enumerated() {
                        let other = FieldLocation(candidate.field, containerLevel: containerLevel)
                        guard field.pattern == other.pattern else { continue }
                        if other.isContainerField && excludedContainer != other.containerName(in: pod) { continue }
                        // Go's swap-remove, which reorders the remaining errors.
                        errors[position] = errors[errors.count - 1]
                        errors.removeLast()
                        break
                    }
                    if errors.isEmpty {
                        failures.remove(at: index)
                    } else {
                        failures[index].errors = errors
                    }
                }
            }
        }
        return failures
    }

    /// A Pod with only the containers whose image matches, and the name and namespace of the original.
    static func matchingContainers(of pod: PodSecurityChecks.PodView, images: [Wildcard]) -> PodSecurityChecks.PodView {
        var spec: JSONObject = [:]
        for group in ["containers", "initContainers", "ephemeralContainers"] {
            let matching = (pod.spec[group]?.arrayValue ?? []).filter { container in
                let image = container["image"]?.stringValue ?? ""
                return images.contains { $0.matches(image) }
            }
            if !matching.isEmpty { spec[group] = .array(matching) }
        }
        var metadata: JSONObject = [:]
        if let name = pod.metadata["name"] { metadata["name"] = name }
        if let namespace = pod.metadata["namespace"] { metadata["namespace"] = namespace }
        return PodSecurityChecks.PodView(metadata: .object(metadata), spec: .object(spec))
    }

    /// A field error's path with indexes as `*`, and for container fields the group and index.
    struct FieldLocation {
        var pattern: String
        var isContainerField = false
        var group = ""
        var index = 0

        init(_ field: String, containerLevel: Bool) {
            var pattern = ""
            var digits = ""
            var indexes: [Int] = []
            var words: [String] = []
            var word = ""
            for character in field {
                if character.isASCIIDigit {
                    digits.append(character)
                } else if !digits.isEmpty {
                    pattern.append("*")
                    indexes.append(Int(digits) ?? 0)
                    digits = ""
                }
                if character.isASCII && character.isLetter {
                    word.append(character)
                } else if !word.isEmpty {
                    words.append(word)
                    word = ""
                }
                if !character.isASCIIDigit { pattern.append(character) }
            }
            if !digits.isEmpty {
                pattern.append("*")
                indexes.append(Int(digits) ?? 0)
            }
            if !word.isEmpty { words.append(word) }
            self.pattern = pattern
            guard containerLevel, words.count > 1,
                ["containers", "initContainers", "ephemeralContainers"].contains(words[1]), let first = indexes.first
            else { return }
            isContainerField = true
            group = words[1]
            index = first
        }

        func containerName(in pod: PodSecurityChecks.PodView) -> String {
            guard isContainerField else { return "" }
            return pod.spec[group]?[index]?["name"]?.stringValue ?? ""
        }
    }
}
