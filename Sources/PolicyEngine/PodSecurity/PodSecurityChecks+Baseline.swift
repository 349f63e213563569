import JSONValue

/// The baseline-level checks.
extension PodSecurityChecks {
    typealias FieldError = PodSecurityFieldError

    static let capabilitiesAllowed: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]
    static let seLinuxTypes: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t"]
    static let seLinuxTypes1Dot31: Set<String> = seLinuxTypes.union(["container_engine_t"])
    static let sysctls1Dot0: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
    ]
    static let sysctls1Dot27 = sysctls1Dot0.union(["net.ipv4.ip_local_reserved_ports"])
    static let sysctls1Dot29 = sysctls1Dot27.union([
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ])
    static let sysctls1Dot32 = sysctls1Dot29.union(["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"])

    static func privileged(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: [String] = []
        var errors: [FieldError] = []
        for (container, path) in pod.containers where securityContext(container)?["privileged"]?.boolValue == true {
            names.append(name(container))
            errors.append(.forbidden(path + ".securityContext.privileged", .bool(true)))
        }
        return containersResult(
            names, errors, id: "privileged", reason: "privileged",
            "must not set securityContext.privileged=true")
    }

    static func capabilitiesBaseline(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: [String] = []
        var errors: [FieldError] = []
        var all: [String] = []
        for (container, path) in pod.containers {
            guard let capabilities = present(securityContext(container)?["capabilities"]) else { continue }
            let bad = strings(capabilities["add"]).filter { !capabilitiesAllowed.contains($0) }
            guard !bad.isEmpty else { continue }
            all += bad
            names.append(name(container))
            errors.append(.forbidden(path + ".securityContext.capabilities.add", .strings(sortedSet(bad))))
        }
        return containersResult(
            names, errors, id: "capabilities_baseline", reason: "non-default capabilities",
            "must not include \(joinQuote(sortedSet(all))) in securityContext.capabilities.add")
    }

    static func hostNamespaces(_ pod: PodView) -> PodSecurityCheckResult? {
        var data: [String] = []
        var errors: [FieldError] = []
        for key in ["hostNetwork", "hostPID", "hostIPC"] where pod.spec[key]?.boolValue == true {
            data.append("\(key)=true")
            errors.append(.forbidden("spec.\(key)", .bool(true)))
        }
        return listResult(
            data, separator: ", ", id: "hostNamespaces", reason: "host namespaces", errors: errors)
    }

    static func hostPathVolumes(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: [String] = []
        var errors: [FieldError] = []
        for (index, volume) in (pod.spec["volumes"]?.arrayValue ?? []).enumerated() {
            guard let hostPath = present(volume["hostPath"]) else { continue }
            names.append(name(volume))
            errors.append(
                .forbidden("spec.volumes[\(index)].hostPath", .string(hostPath["path"]?.stringValue ?? "")))
        }
        guard !names.isEmpty else { return nil }
        return PodSecurityCheckResult(
            id: "hostPathVolumes", reason: "hostPath volumes",
            detail: "\(pluralize("volume", "volumes", names.count)) \(joinQuote(names))", errors: errors)
    }

    static func hostPorts(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: [String] = []
        var errors: [FieldError] = []
        var ports: [String] = []
        for (container, path) in pod.containers {
            var bad = false
            for (index, port) in (container["ports"]?.arrayValue ?? []).enumerated() {
                guard let hostPort = port["hostPort"]?.intValue, hostPort != 0 else { continue }
                bad = true
                ports.append(String(hostPort))
                errors.append(.forbidden("\(path).ports[\(index)].hostPort", .int(hostPort)))
            }
            if bad { names.append(name(container)) }
        }
        guard !names.isEmpty else { return nil }
        let unique = sortedSet(ports)
        return PodSecurityCheckResult(
            id: "hostPorts", reason: "hostPort",
            detail: "\(containerList(names)) "
                + "\(pluralize("uses", "use", names.count)) \(pluralize("hostPort", "hostPorts", unique.count)) "
                + unique.joined(separator: ", "),
            errors: errors)
    }

    static func hostProbesAndLifecycle(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: Set<String> = []
        var hosts: Set<String> = []
        for (container, _) in pod.containers {
            var handlers = ["livenessProbe", "readinessProbe", "startupProbe"].compactMap { present(container[$0]) }
            if let lifecycle = present(container["lifecycle"]) {
                handlers += ["postStart", "preStop"].compactMap { present(lifecycle[$0]) }
            }
            for handler in handlers {
                for kind in ["httpGet", "tcpSocket"] {
                    if let host = handler[kind]?["host"]?.stringValue, !host.isEmpty {
                        names.insert(name(container))
                        hosts.insert(host)
                    }
                }
            }
        }
        guard !names.isEmpty else { return nil }
        return PodSecurityCheckResult(
            id: "hostProbesAndHostLifecycle", reason: "probe or lifecycle host",
            detail: "\(containerList(names.sorted())) "
                + "\(pluralize("uses", "use", names.count)) "
                + "\(pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.count)) "
                + joinQuote(hosts.sorted()),
            errors: [])
    }

    static func procMount(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: [String] = []
        var errors: [FieldError] = []
        var types: [String] = []
        for (container, path) in pod.containers {
            guard let value = securityContext(container)?["procMount"]?.stringValue, value != "Default" else {
                continue
            }
            names.append(name(container))
            types.append(value)
            errors.append(.forbidden(path + ".securityContext.procMount", .string(value)))
        }
        return containersResult(
            names, errors, id: "procMount", reason: "procMount",
            "must not set securityContext.procMount to \(joinQuote(sortedSet(types)))")
    }

    static func seLinuxOptions(allowed: Set<String>) -> @Sendable (PodView) -> PodSecurityCheckResult? {
        { pod in
            var setters: [String] = []
            var errors: [FieldError] = []
            var badTypes: [String] = []
            var setUser = false
            var setRole = false
            func validate(_ options: JSONValue, prefix: String) -> [FieldError] {
                var found: [FieldError] = []
                let type = options["type"]?.stringValue ?? ""
                if !allowed.contains(type) {
                    badTypes.append(type)
                    found.append(.forbidden(prefix + "securityContext.seLinuxOptions.type", .string(type)))
                }
                if let user = options["user"]?.stringValue, !user.isEmpty {
                    setUser = true
                    found.append(.forbidden(prefix + "securityContext.seLinuxOptions.user", .string(user)))
                }
                if let role = options["role"]?.stringValue, !role.isEmpty {
                    setRole = true
                    found.append(.forbidden(prefix + "securityContext.seLinuxOptions.role", .string(role)))
                }
                return found
            }
            if let options = present(pod.podSecurityContext?["seLinuxOptions"]) {
                let found = validate(options, prefix: "spec.")
                if !found.isEmpty {
                    setters.append("pod")
                    errors += found
                }
            }
            var names: [String] = []
            for (container, path) in pod.containers {
                guard let options = present(securityContext(container)?["seLinuxOptions"]) else { continue }
                let found = validate(options, prefix: path + ".")
                if !found.isEmpty {
                    names.append(name(container))
                    errors += found
                }
            }
            if !names.isEmpty {
                setters.append(containerList(names))
            }
            guard !setters.isEmpty else { return nil }
            var data: [String] = []
            let types = sortedSet(badTypes)
            if !types.isEmpty { data.append("\(pluralize("type", "types", types.count)) \(joinQuote(types))") }
            if setUser { data.append("user may not be set") }
            if setRole { data.append("role may not be set") }
            return PodSecurityCheckResult(
                id: "seLinuxOptions", reason: "seLinuxOptions",
                detail: "\(setters.joined(separator: " and ")) set forbidden securityContext.seLinuxOptions: "
                    + data.joined(separator: "; "),
                errors: errors)
        }
    }

    /// Seccomp before 1.19: the alpha annotations.
    static func seccompAnnotations(_ pod: PodView) -> PodSecurityCheckResult? {
        func valid(_ value: String) -> Bool {
            value == "runtime/default" || value == "docker/default" || value.hasPrefix("localhost/")
        }
        let annotations = pod.metadata["annotations"]?.objectValue ?? [:]
        var keys = ["seccomp.security.alpha.kubernetes.io/pod"]
        keys += pod.containers.map { "container.seccomp.security.alpha.kubernetes.io/" + name($0.container) }
        var bad: [(String, FieldError)] = []
        for key in keys {
            guard let value = annotations[key]?.stringValue, !valid(value) else { continue }
            bad.append(("\(key)=\(goQuote(value))", .forbidden("metadata.annotations[\(key)]", .string(value))))
        }
        guard !bad.isEmpty else { return nil }
        bad.sort { $0.0 < $1.0 }
        return PodSecurityCheckResult(
            id: "seccompProfile_baseline", reason: "seccompProfile",
            detail: "forbidden \(pluralize("annotation", "annotations", bad.count)) "
                + bad.map(\.0).joined(separator: ", "),
            errors: bad.map(\.1))
    }

    /// The `securityContext.<profile>.type` values of the pod and its containers that `allowed` refuses:
    /// who sets them (`pod`, `containers "a", "b"`), the values, and a field error for each.
    static func forbiddenProfileTypes(
        _ pod: PodView, _ profile: String, allowed: (String) -> Bool
    ) -> (setters: [String], values: [String], errors: [FieldError]) {
        var setters: [String] = []
        var errors: [FieldError] = []
        var values: [String] = []
        if let settings = present(pod.podSecurityContext?[profile]) {
            let type = settings["type"]?.stringValue ?? ""
            if !allowed(type) {
                setters.append("pod")
                values.append(type)
                errors.append(.forbidden("spec.securityContext.\(profile).type", .string(type)))
            }
        }
        var names: [String] = []
        for (container, path) in pod.containers {
            guard let settings = present(securityContext(container)?[profile]) else { continue }
            let type = settings["type"]?.stringValue ?? ""
            guard !allowed(type) else { continue }
            names.append(name(container))
            values.append(type)
            errors.append(.forbidden(path + ".securityContext.\(profile).type", .string(type)))
        }
        if !names.isEmpty { setters.append(containerList(names)) }
        return (setters, values, errors)
    }

    static func seccompBaseline(_ pod: PodView) -> PodSecurityCheckResult? {
        let (setters, values, errors) = forbiddenProfileTypes(pod, "seccompProfile", allowed: validSeccomp)
        return settersResult(
            setters, errors, id: "seccompProfile_baseline", reason: "seccompProfile",
            "must not set securityContext.seccompProfile.type to \(joinQuote(sortedSet(values)))")
    }

    static func validSeccomp(_ type: String) -> Bool { type == "Localhost" || type == "RuntimeDefault" }

    static func sysctls(allowed: Set<String>) -> @Sendable (PodView) -> PodSecurityCheckResult? {
        { pod in
            var names: [String] = []
            var errors: [FieldError] = []
            for (index, sysctl) in (pod.podSecurityContext?["sysctls"]?.arrayValue ?? []).enumerated() {
                let sysctlName = sysctl["name"]?.stringValue ?? ""
                guard !allowed.contains(sysctlName) else { continue }
                names.append(sysctlName)
                errors.append(.forbidden("spec.securityContext.sysctls[\(index)].name", .string(sysctlName)))
            }
            return listResult(
                names, separator: ", ", id: "sysctls", reason: "forbidden sysctls", errors: errors)
        }
    }

    static func windowsHostProcess(_ pod: PodView) -> PodSecurityCheckResult? {
        var names: [String] = []
        var containerErrors: [FieldError] = []
        for (container, path) in pod.containers
        where securityContext(container)?["windowsOptions"]?["hostProcess"]?.boolValue == true {
            names.append(name(container))
            containerErrors.append(.forbidden(path + ".securityContext.windowsOptions.hostProcess", .bool(true)))
        }
        var setters: [String] = []
        var errors: [FieldError] = []
        if pod.podSecurityContext?["windowsOptions"]?["hostProcess"]?.boolValue == true {
            setters.append("pod")
            errors.append(.forbidden("spec.securityContext.windowsOptions.hostProcess", .bool(true)))
        }
        if !names.isEmpty {
            setters.append(containerList(names))
            errors += containerErrors
        }
        return settersResult(
            setters, errors, id: "windowsHostProcess", reason: "hostProcess",
            "must not set securityContext.windowsOptions.hostProcess=true")
    }

    static func appArmorProfile(_ pod: PodView) -> PodSecurityCheckResult? {
        let profiles = forbiddenProfileTypes(pod, "appArmorProfile") { type in
            type == "RuntimeDefault" || type == "Localhost"
        }
        var (setters, errors, valueList) = (profiles.setters, profiles.errors, sortedSet(profiles.values))
        var annotations: [(String, FieldError)] = []
        let prefix = "container.apparmor.security.beta.kubernetes.io/"
        for (key, value) in pod.metadata["annotations"]?.objectValue ?? [:] where key.hasPrefix(prefix) {
            let text = value.stringValue ?? ""
            guard !(text.isEmpty || text == "runtime/default" || text.hasPrefix("localhost/")) else { continue }
            annotations.append(("\(key)=\(goQuote(text))", .forbidden("metadata.annotations[\(key)]", .string(text))))
        }
        if !annotations.isEmpty {
            annotations.sort { $0.0 < $1.0 }
            valueList += annotations.map(\.0)
            setters.append(pluralize("annotation", "annotations", annotations.count))
            errors += annotations.map(\.1)
        }
        guard !setters.isEmpty else { return nil }
        return PodSecurityCheckResult(
            id: "appArmorProfile",
            reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", valueList.count),
            detail:
                "\(setters.joined(separator: " and ")) must not set AppArmor profile type to \(joinQuote(valueList))",
            errors: errors)
    }

    /// Go's `%q` for the printable ASCII texts annotations hold.
    static func goQuote(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            if character == "\\" || character == "\"" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
