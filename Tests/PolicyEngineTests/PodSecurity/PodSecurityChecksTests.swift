import JSONValue
import Testing

@testable import PolicyEngine

/// Each Pod Security control against a Pod that violates it, with pod-security-admission's reason, field
/// errors and Kyverno's message format.
struct PodSecurityChecksTests {
    /// A container that satisfies every restricted control.
    static let goodContainer = """
        {"name": "app", "image": "nginx:1.25", "securityContext": {"allowPrivilegeEscalation": false,
         "runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}, "capabilities": {"drop": ["ALL"]}}}
        """

    static func failures(
        _ spec: String, level: String = "restricted", version: String = "latest", metadata: String = "{}"
    )
        -> [PodSecurityCheckResult]
    {
        let view = PodSecurityChecks.PodView(metadata: jsonValue(metadata), spec: jsonValue(spec))
        guard let level = PodSecurityLevelVersion(level: level, version: version) else {
            Issue.record("bad level/version")
            return []
        }
        return PodSecurityChecks.evaluate(level, pod: view)
    }

    @Test func compliantPodPassesRestricted() {
        #expect(Self.failures("{\"containers\": [\(Self.goodContainer)]}").isEmpty)
    }

    struct Case: Sendable, CustomStringConvertible {
        var control: String
        var spec: String
        var metadata = "{}"
        var level = "baseline"
        var reason: String
        var errors: [String]
        var description: String { control }
    }

    static let cases: [Case] = [
        Case(
            control: "privileged",
            spec: #"{"containers": [{"name": "a", "securityContext": {"privileged": true}}]}"#,
            reason: "privileged",
            errors: ["spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true"]),
        Case(
            control: "hostNamespaces", spec: #"{"hostNetwork": true, "hostIPC": true, "containers": []}"#,
            reason: "host namespaces",
            errors: [
                "spec.hostNetwork is forbidden, forbidden values found: true",
                "spec.hostIPC is forbidden, forbidden values found: true",
            ]),
        Case(
            control: "hostPathVolumes",
            spec: #"{"volumes": [{"name": "v", "hostPath": {"path": "/etc"}}], "containers": []}"#,
            reason: "hostPath volumes", errors: ["spec.volumes[0].hostPath is forbidden, forbidden values found: /etc"]),
        Case(
            control: "hostPorts",
            spec: #"{"containers": [{"name": "a", "ports": [{"containerPort": 80, "hostPort": 8080}]}]}"#,
            reason: "hostPort",
            errors: ["spec.containers[0].ports[0].hostPort is forbidden, forbidden values found: 8080"]),
        Case(
            control: "capabilities_baseline",
            spec:
                #"{"initContainers": [{"name": "i", "securityContext": {"capabilities": {"add": ["NET_RAW", "NET_ADMIN", "CHOWN"]}}}]}"#,
            reason: "non-default capabilities",
            errors: [
                "spec.initContainers[0].securityContext.capabilities.add is forbidden, forbidden values found: [NET_ADMIN NET_RAW]"
            ]),
        Case(
            control: "procMount",
            spec: #"{"containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]}"#,
            reason: "procMount",
            errors: ["spec.containers[0].securityContext.procMount is forbidden, forbidden values found: Unmasked"]),
        Case(
            control: "seLinuxOptions",
            spec: #"{"securityContext": {"seLinuxOptions": {"type": "spc_t", "user": "root"}}, "containers": []}"#,
            reason: "seLinuxOptions",
            errors: [
                "spec.securityContext.seLinuxOptions.type is forbidden, forbidden values found: spc_t",
                "spec.securityContext.seLinuxOptions.user is forbidden, forbidden values found: root",
            ]),
        Case(
            control: "seccompProfile_baseline",
            spec: #"{"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": []}"#,
            reason: "seccompProfile",
            errors: ["spec.securityContext.seccompProfile.type is forbidden, forbidden values found: Unconfined"]),
        Case(
            control: "sysctls",
            spec: #"{"securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}, "containers": []}"#,
            reason: "forbidden sysctls",
            errors: ["spec.securityContext.sysctls[0].name is forbidden, forbidden values found: kernel.msgmax"]),
        Case(
            control: "windowsHostProcess",
            spec: #"{"securityContext": {"windowsOptions": {"hostProcess": true}}, "containers": []}"#,
            reason: "hostProcess",
            errors: ["spec.securityContext.windowsOptions.hostProcess is forbidden, forbidden values found: true"]),
        Case(
            control: "appArmorProfile", spec: #"{"containers": [{"name": "a"}]}"#,
            metadata: #"{"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "unconfined"}}"#,
            reason: "forbidden AppArmor profile",
            errors: [
                "metadata.annotations[container.apparmor.security.beta.kubernetes.io/a] is forbidden, forbidden values found: unconfined"
            ]),
        Case(
            control: "hostProbesAndHostLifecycle",
            spec: #"{"containers": [{"name": "a", "livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}}}]}"#,
            reason: "probe or lifecycle host", errors: []),
        Case(
            control: "allowPrivilegeEscalation", spec: #"{"containers": [{"name": "a", "securityContext": {}}]}"#,
            level: "restricted", reason: "allowPrivilegeEscalation != false",
            errors: [
                "spec.containers[0].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: nil"
            ]),
        Case(
            control: "capabilities_restricted", spec: #"{"containers": [{"name": "a"}]}"#, level: "restricted",
            reason: "unrestricted capabilities",
            errors: ["spec.containers[0].securityContext.capabilities.drop: Required value"]),
        Case(
            control: "restrictedVolumes",
            spec: #"{"volumes": [{"name": "n", "nfs": {"server": "s", "path": "/"}}], "containers": []}"#,
            level: "restricted", reason: "restricted volume types",
            errors: ["spec.volumes[0].nfs is forbidden, forbidden values found: <nil>"]),
        Case(
            control: "runAsNonRoot",
            spec: #"{"securityContext": {"runAsNonRoot": false}, "containers": []}"#, level: "restricted",
            reason: "runAsNonRoot != true",
            errors: ["spec.securityContext.runAsNonRoot is forbidden, forbidden values found: false"]),
        Case(
            control: "runAsUser", spec: #"{"securityContext": {"runAsUser": 0}, "containers": []}"#,
            level: "restricted",
            reason: "runAsUser=0", errors: ["spec.securityContext.runAsUser is forbidden, forbidden values found: 0"]),
        Case(
            control: "seccompProfile_restricted", spec: #"{"containers": [{"name": "a"}]}"#, level: "restricted",
            reason: "seccompProfile",
            errors: ["spec.containers[0].securityContext.seccompProfile.type: Required value"]),
    ]

    @Test(arguments: cases) func controlFails(_ testCase: Case) throws {
        let failures = Self.failures(testCase.spec, level: testCase.level, metadata: testCase.metadata)
        let failure = try #require(failures.first { $0.id == testCase.control })
        #expect(failure.reason == testCase.reason)
        #expect(failure.errors.map(\.message) == testCase.errors)
        if testCase.level == "baseline" {
            #expect(failures.map(\.id) == [testCase.control], "baseline runs only baseline checks")
        }
    }

    @Test func versionsSelectTheVariantInForce() {
        let spec =
            #"{"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_keepalive_time", "value": "1"}]}, "containers": []}"#
        #expect(Self.failures(spec, level: "baseline", version: "v1.28").map(\.id) == ["sysctls"])
        #expect(Self.failures(spec, level: "baseline", version: "v1.29").isEmpty)
        #expect(Self.failures(spec, level: "baseline", version: "latest").isEmpty)
        #expect(PodSecurityLevelVersion(level: "baseline", version: "1.29") == nil)
        #expect(PodSecurityLevelVersion(level: "baseline", version: "v1.x") == nil)
        // Windows pods are exempt from some restricted controls from 1.25.
        let windows =
            #"{"os": {"name": "windows"}, "containers": [{"name": "a", "securityContext": {"runAsNonRoot": true}}]}"#
        #expect(Self.failures(windows, version: "v1.24").map(\.id).contains("capabilities_restricted"))
        #expect(!Self.failures(windows, version: "v1.25").map(\.id).contains("capabilities_restricted"))
    }
}
