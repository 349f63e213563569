/// Kyverno's autogen for ValidatingPolicies (`pkg/cel/policies/vpol/autogen`, `pkg/cel/autogen`): a policy
/// that matches exactly Pods (`""/v1/pods`, one resource rule, no names, no exclusions, no object selector)
/// also runs, under the same name, against Pod controllers, with `object.spec` / `object.metadata` (and
/// `oldObject.…`) rewritten to the pod template's fields.
enum ValidatingPolicyAutogen {
    struct Target: Hashable {
        var group: String
        var version: String
        var resource: String
        var kind: String
    }

    /// Controller name to target and replacement set (`defaults` or `cronjobs`), as `ConfigsMap`.
    static let configs: [String: (target: Target, replacements: String)] = [
        "daemonsets": (Target(group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet"), "defaults"),
        "deployments": (
            Target(group: "apps", version: "v1", resource: "deployments", kind: "Deployment"), "defaults"
        ),
        "replicasets": (
            Target(group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet"), "defaults"
        ),
        "statefulsets": (
            Target(group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet"), "defaults"
        ),
        "jobs": (Target(group: "batch", version: "v1", resource: "jobs", kind: "Job"), "defaults"),
        "cronjobs": (Target(group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob"), "cronjobs"),
    ]

    static let replacements: [String: [(from: String, to: String)]] = [
        "defaults": [("spec", "spec.template.spec"), ("metadata", "spec.template.metadata")],
        "cronjobs": [
            ("spec", "spec.jobTemplate.spec.template.spec"), ("metadata", "spec.jobTemplate.spec.template.metadata"),
        ],
    ]

    /// `CanAutoGen`.
    static func canAutogen(_ match: AdmissionMatchResources?) -> Bool {
        guard let match else { return false }
        if let selector = match.objectSelector, !selector.isEmpty { return false }
        guard match.excludeResourceRules.isEmpty, match.resourceRules.count == 1 else { return false }
        let rule = match.resourceRules[0]
        return rule.resourceNames.isEmpty && rule.apiGroups == [""] && rule.apiVersions == ["v1"]
            && rule.resources == ["pods"]
    }

    /// The generated specs, in Kyverno's order (`cronjobs` before `defaults`).
    static func generate(_ spec: ValidatingPolicySpec) -> [ValidatingPolicySpec] {
        guard canAutogen(spec.matchConstraints), let match = spec.matchConstraints else { return [] }
        let controllers = spec.autogenControllers ?? Array(configs.keys)
        var groups: [String: [Target]] = [:]
        for controller in Set(controllers) {
            guard let config = configs[controller] else { continue }
            groups[config.replacements, default: []].append(config.target)
        }
        let operations = match.resourceRules[0].operations
        var result: [ValidatingPolicySpec] = []
        for name in groups.keys.sorted() {
            guard let targets = groups[name], !operations.isEmpty else { continue }
            var generated = spec
            var byGroupVersion: [String: (group: String, version: String, resources: Set<String>)] = [:]
            for target in targets {
                byGroupVersion[target.group + "/" + target.version, default: (target.group, target.version, [])]
                    .resources.insert(target.resource)
            }
            generated.matchConstraints = AdmissionMatchResources(
                namespaceSelector: match.namespaceSelector,
                resourceRules: byGroupVersion.keys.sorted().map { key in
                    let entry = byGroupVersion[key]!
                    return AdmissionResourceRule(
                        apiGroups: [entry.group], apiVersions: [entry.version], resources: entry.resources.sorted(),
                        operations: operations)
                })
            let rewrite: (String) -> String = { text in
                var text = text
                for replacement in replacements[name] ?? [] {
                    for root in ["object.", "oldObject."] {
                        text = replace(text, root + replacement.from, root + replacement.to)
                    }
                }
                return text
            }
            generated.matchConditions = spec.matchConditions.map {
                NamedCELExpression(name: rewrite($0.name), expression: rewrite($0.expression))
            }
            generated.variables = spec.variables.map {
                NamedCELExpression(name: rewrite($0.name), expression: rewrite($0.expression))
            }
            generated.validations = spec.validations.map {
                CELValidation(
                    expression: rewrite($0.expression), message: $0.message.map(rewrite),
                    messageExpression: $0.messageExpression.map(rewrite), reason: $0.reason)
            }
            generated.auditAnnotations = spec.auditAnnotations.map {
                CELAuditAnnotation(key: $0.key, valueExpression: rewrite($0.valueExpression))
            }
            result.append(generated)
        }
        return result
    }

    /// Replaces every `from` with `to`, except where `from` is followed by `.namespace` as a whole segment.
    static func replace(_ text: String, _ from: String, _ to: String) -> String {
        let bytes = Array(text.utf8)
        let pattern = Array(from.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        let protected = Array(".namespace".utf8)
        while index < bytes.count {
            if index + pattern.count <= bytes.count, bytes[index..<index + pattern.count].elementsEqual(pattern) {
                let rest = bytes[(index + pattern.count)...]
                var isProtected = false
                if rest.starts(with: protected) {
                    let after = rest.dropFirst(protected.count)
                    isProtected = after.first.map { !isIdentifierByte($0) } ?? true
                }
                output.append(contentsOf: isProtected ? pattern : Array(to.utf8))
                index += pattern.count
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
