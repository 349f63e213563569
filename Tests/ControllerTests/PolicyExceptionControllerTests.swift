import Controller
import JSONValue
import KubeClient
import Testing

/// kyverno.io PolicyExceptions in the controller, as Kyverno's `--enablePolicyException` and
/// `--exceptionNamespace` decide, compared with the offline engine given the same exceptions.
@Suite("Reports controller: kyverno.io PolicyExceptions", .serialized)
struct PolicyExceptionControllerTests {
    /// A kyverno.io/v2 PolicyException exempting the Pods named `names` (and their autogen rules) from
    /// require-labels.
    static func exception(_ name: String, namespace: String, names: [String]) -> JSONValue {
        [
            "apiVersion": "kyverno.io/v2", "kind": "PolicyException",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": [
                "exceptions": [
                    ["policyName": "require-labels", "ruleNames": ["check-for-labels", "autogen-check-for-labels"]]
                ],
                "match": ["any": [["resources": ["kinds": ["Pod"], "names": .array(names.map { .string($0) })]]]],
            ],
        ]
    }

    static func skipped(_ reports: [String: [String]], by key: String) -> Int {
        reports.values.joined().filter { $0.contains("policy exception") && $0.contains(key) }.count
    }

    static func setUp(_ harness: ControllerHarness) throws {
        try ReportsControllerTests.applyPolicies(harness)
        try ReportsControllerTests.populate(harness, pods: 4)
        try harness.apply(ControllerHarness.namespace("exceptions"))
        try harness.apply(Self.exception("unlabelled-pod-1", namespace: "exceptions", names: ["pod-1"]))
        // Outside the exception namespace: never applies while one is set.
        try harness.apply(Self.exception("unlabelled-pod-3", namespace: "team-b", names: ["pod-3"]))
    }

    @Test func ignoredUnlessEnabledAsKyvernoDoes() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.setUp(harness)
            let (controller, task) = try harness.start()
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            let (reports, oracle) = try await harness.converge()
            #expect(reports == oracle)
            #expect(Self.skipped(reports, by: "unlabelled") == 0)
            #expect(controller.policies.legacyExceptions.isEmpty)
        }
    }

    @Test func enabledTheyApplyFromTheExceptionNamespaceAndFollowChanges() async throws {
        guard ControllerHarness.requireSharedData() else { return }
        try await ControllerHarness.with { harness in
            try Self.setUp(harness)
            let settings = PolicyExceptionSettings(enabled: true, namespace: "exceptions")
            var configuration = ControllerHarness.configuration()
            configuration.policyExceptions = settings
            let (controller, task) = try harness.start(configuration)
            defer { task.cancel() }
            await controller.status.waitUntilSettled()
            var (reports, oracle) = try await harness.converge(exceptions: settings)
            #expect(reports == oracle, "initial scan")
            // pod-1 in both namespaces is exempted; the team-b exception is not in the exception namespace.
            #expect(Self.skipped(reports, by: "exceptions/unlabelled-pod-1") == 2)
            #expect(Self.skipped(reports, by: "unlabelled-pod-3") == 0)

            // A changed exception re-evaluates without a resync: now pod-3 instead of pod-1.
            try harness.apply(Self.exception("unlabelled-pod-1", namespace: "exceptions", names: ["pod-3"]))
            (reports, oracle) = try await harness.converge(exceptions: settings)
            #expect(reports == oracle, "exception changed")
            #expect(Self.skipped(reports, by: "exceptions/unlabelled-pod-1") == 2)
            for namespace in ["team-a", "team-b"] {
                let pod1 = try await harness.client.get(ControllerHarness.pods, namespace: namespace, name: "pod-1")
                let pod3 = try await harness.client.get(ControllerHarness.pods, namespace: namespace, name: "pod-3")
                let uid1 = try #require(pod1[path: "metadata", "uid"]?.stringValue)
                let uid3 = try #require(pod3[path: "metadata", "uid"]?.stringValue)
                #expect(!reports[uid1, default: []].contains { $0.contains("policy exception") }, "\(namespace)/pod-1")
                #expect(reports[uid3, default: []].contains { $0.contains("policy exception") }, "\(namespace)/pod-3")
            }

            // A deleted exception's skips go.
            try await harness.client.delete(
                ControllerHarness.policyExceptions, namespace: "exceptions", name: "unlabelled-pod-1")
            (reports, oracle) = try await harness.converge(exceptions: settings)
            #expect(reports == oracle, "exception deleted")
            #expect(Self.skipped(reports, by: "unlabelled") == 0)
        }
    }

    @Test func settingsFollowKyvernosFlags() {
        let off = PolicyExceptionSettings()
        #expect(!off.appliesLegacy(namespace: "exceptions"))
        #expect(off.appliesCEL(namespace: "anywhere"))
        let all = PolicyExceptionSettings(enabled: true, namespace: "*")
        #expect(all.appliesLegacy(namespace: "team-b") && all.appliesCEL(namespace: "team-b"))
        let one = PolicyExceptionSettings(enabled: true, namespace: "exceptions")
        #expect(one.appliesLegacy(namespace: "exceptions") && !one.appliesLegacy(namespace: "team-b"))
        #expect(one.appliesCEL(namespace: "exceptions") && !one.appliesCEL(namespace: "team-b"))
        // Enabled without a namespace, Kyverno applies none.
        #expect(!PolicyExceptionSettings(enabled: true).appliesLegacy(namespace: "exceptions"))
    }
}
