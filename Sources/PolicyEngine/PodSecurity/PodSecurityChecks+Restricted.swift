import JSONValue

/// The restricted-level checks.
extension PodSecurityChecks {
    static let allowedVolumeSources: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected",
        "secret",
    ]
    /// Restricted volume sources in the order pod-security-admission tests them.
    static let restrictedVolumeSources: [(field: String, name: String)] = [
        ("hostPath", "hostPath"), ("gcePersistentDisk", "gcePersistentDisk"),
        ("awsElasticBlockStore", "awsElasticBlockStore"), ("gitRepo", "gitRepo"), ("nfs", "nfs"), ("iscsi", "iscsi"),
        ("glusterfs", "glusterfs"), ("rbd", "rbd"), ("flexVolume", "flexVolume"), ("cinder", "cinder"),
        ("cephfs", "cephfs"), ("flocker", "flocker"), ("fc", "fc"), ("azureFile", "azureFile"),
        ("vsphereVolume", "vsphereVolume"), ("quobyte", "quobyte"), ("azureDisk", "azureDisk"),
        ("photonPersistentDisk", "photonPersistentDisk"), ("portworxVolume", "portworxVolume"),
        ("scaleIO", "scaleIO"), ("storageos", "storageos"),
    ]

    static func allowPrivilegeEscalation(windowsExempt: Bool) -> @Sendable (PodView) -> PodSecurityCheckResult? {
        { pod in
            if windowsExempt && pod.isWindows { return nil }
            var names: [String] = []
            var errors: [FieldError] = []
            for (container, path) in pod.containers {
                let field = path + ".securityContext.allowPrivilegeEscalation"
                guard let context = securityContext(container) else {
                    names.append(name(container))
                    errors.append(.required(field))
                    continue
                }
                switch present(context["allowPrivilegeEscalation"])?.boolValue {
                case nil:
                    names.append(name(container))
                    errors.append(.forbidden(field, .string("nil")))
                case true?:
                    names.append(name(container))
                    errors.append(.forbidden(field, .bool(true)))
                case false?:
                    break
                }
            }
            return containersResult(
                names, errors, id: "allowPrivilegeEscalation", reason: "allowPrivilegeEscalation != false",
                "must set securityContext.allowPrivilegeEscalation=false")
        }
    }

    static func capabilitiesRestricted(windowsExempt: Bool) -> @Sendable (PodView) -> PodSecurityCheckResult? {
        { pod in
            if windowsExempt && pod.isWindows { return nil }
            var missingDrop: [String] = []
            var missingDropErrors: [FieldError] = []
            var adding: [String] = []
            var addingErrors: [FieldError] = []
            var forbiddenCapabilities: [String] = []
            for (container, path) in pod.containers {
                let prefix = path + ".securityContext.capabilities."
                guard let capabilities = present(securityContext(container)?["capabilities"]) else {
                    missingDrop.append(name(container))
                    missingDropErrors.append(.required(prefix + "drop"))
                    continue
                }
                let drop = strings(capabilities["drop"])
                if !drop.contains("ALL") {
                    missingDrop.append(name(container))
                    missingDropErrors.append(
                        drop.isEmpty
                            ? .required(prefix + "drop") : .forbidden(prefix + "drop", .strings(sortedSet(drop))))
                }
                let added = strings(capabilities["add"]).filter { $0 != "NET_BIND_SERVICE" }
                if !added.isEmpty {
                    adding.append(name(container))
                    forbiddenCapabilities += added
                    addingErrors.append(.forbidden(prefix + "add", .strings(sortedSet(added))))
                }
            }
            var details: [String] = []
            if !missingDrop.isEmpty {
                details.append(
                    "\(containerList(missingDrop)) must set "
                        + "securityContext.capabilities.drop=[\"ALL\"]")
            }
            if !adding.isEmpty {
                details.append(
                    "\(containerList(adding)) must not include "
                        + "\(joinQuote(sortedSet(forbiddenCapabilities))) in securityContext.capabilities.add")
            }
            return listResult(
                details, separator: "; ", id: "capabilities_restricted", reason: "unrestricted capabilities",
                errors: missingDropErrors + addingErrors)
        }
    }

    static func restrictedVolumes(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: [String] = []
        var errors: [FieldError] = []
        var types: [String] = []
        for (index, volume) in (pod.spec["volumes"]?.arrayValue ?? []).enumerated() {
            let object = volume.objectValue ?? [:]
            if object.contains(where: { allowedVolumeSources.contains($0.key) && !$0.value.isNull }) { continue }
            let source =
                restrictedVolumeSources.first { present(object[$0.field]) != nil } ?? (
                    field: "unknown", name: "unknown"
                )
            names.append(name(volume))
            types.append(source.name)
            errors.append(.forbidden("spec.volumes[\(index)].\(source.field)"))
        }
        guard !names.isEmpty else { return nil }
        let unique = sortedSet(types)
        return PodSecurityCheckResult(
            id: "restrictedVolumes", reason: "restricted volume types",
            detail: "\(pluralize("volume", "volumes", names.count)) \(joinQuote(names)) "
                + "\(pluralize("uses", "use", names.count)) "
                + "\(pluralize("restricted volume type", "restricted volume types", unique.count)) \(joinQuote(unique))",
            errors: errors)
    }

    static func runAsNonRoot(_ pod: PodView) -> PodSecurityCheckResult? {
        var setters: [String] = []
        var setterErrors: [FieldError] = []
        var podRunAsNonRoot = false
        if let value = present(pod.podSecurityContext?["runAsNonRoot"])?.boolValue {
            if value {
                podRunAsNonRoot = true
            } else {
                setters.append("pod")
                setterErrors.append(.forbidden("spec.securityContext.runAsNonRoot", .bool(false)))
            }
        }
        var explicit: [String] = []
        var implicit: [String] = []
        var implicitErrors: [FieldError] = []
        for (container, path) in pod.containers {
            if let value = present(securityContext(container)?["runAsNonRoot"])?.boolValue {
                if !value {
                    explicit.append(name(container))
                    setterErrors.append(.forbidden(path + ".securityContext.runAsNonRoot", .bool(false)))
                }
            } else if !podRunAsNonRoot {
                implicit.append(name(container))
                implicitErrors.append(.required(path + ".securityContext.runAsNonRoot"))
            }
        }
        if !explicit.isEmpty {
            setters.append(containerList(explicit))
        }
        var details: [String] = []
        if !setters.isEmpty {
            details.append("\(setters.joined(separator: " and ")) must not set securityContext.runAsNonRoot=false")
        }
        if !implicit.isEmpty {
            details.append(
                "pod or \(containerList(implicit)) must set "
                    + "securityContext.runAsNonRoot=true")
        }
        return listResult(
            details, separator: "\n", id: "runAsNonRoot", reason: "runAsNonRoot != true",
            errors: setterErrors + implicitErrors)
    }

    static func runAsUser(_ pod: PodView) -> PodSecurityCheckResult? {
        var setters: [String] = []
        var errors: [FieldError] = []
        if pod.podSecurityContext?["runAsUser"]?.intValue == 0 {
            setters.append("pod")
            errors.append(.forbidden("spec.securityContext.runAsUser", .int(0)))
        }
        var names: [String] = []
        for (container, path) in pod.containers where securityContext(container)?["runAsUser"]?.intValue == 0 {
            names.append(name(container))
            errors.append(.forbidden(path + ".securityContext.runAsUser", .int(0)))
        }
        if !names.isEmpty { setters.append(containerList(names)) }
        return settersResult(
            setters, errors, id: "runAsUser", reason: "runAsUser=0",
            "must not set runAsUser=0")
    }

    static func seccompRestricted(windowsExempt: Bool) -> @Sendable (PodView) -> PodSecurityCheckResult? {
        { pod in
            if windowsExempt && pod.isWindows { return nil }
            var setters: [String] = []
            var errors: [FieldError] = []
            var values: [String] = []
            var podSet = false
            if let profile = present(pod.podSecurityContext?["seccompProfile"]) {
                let type = profile["type"]?.stringValue ?? ""
                if validSeccomp(type) {
                    podSet = true
                } else {
                    setters.append("pod")
                    values.append(type)
                    errors.append(.forbidden("spec.securityContext.seccompProfile.type", .string(type)))
                }
            }
            var explicit: [String] = []
            var implicit: [String] = []
            var implicitErrors: [FieldError] = []
            for (container, path) in pod.containers {
                let field = path + ".securityContext.seccompProfile.type"
                if let profile = present(securityContext(container)?["seccompProfile"]) {
                    let type = profile["type"]?.stringValue ?? ""
                    if !validSeccomp(type) {
                        explicit.append(name(container))
                        values.append(type)
                        errors.append(.forbidden(field, .string(type)))
                    }
                } else if !podSet {
                    implicit.append(name(container))
                    implicitErrors.append(.required(field))
                }
            }
            if !explicit.isEmpty {
                setters.append(containerList(explicit))
            }
            if let refused = settersResult(
                setters, errors, id: "seccompProfile_restricted", reason: "seccompProfile",
                "must not set securityContext.seccompProfile.type to \(joinQuote(sortedSet(values)))")
            {
                return refused
            }
            guard !implicit.isEmpty else { return nil }
            return PodSecurityCheckResult(
                id: "seccompProfile_restricted", reason: "seccompProfile",
                detail:
                    "pod or \(containerList(implicit)) must set "
                    + "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                errors: implicitErrors)
        }
    }
}
