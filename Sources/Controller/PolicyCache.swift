import JSONValue
import Logging
import Metrics
import PolicyEngine
import Synchronization

/// The policies the controller knows, from the cluster and from files: each decoded, autogen-expanded,
/// checked for background safety and compiled once per version. Only `ready` policies are evaluated.
public final class PolicyCache: Sendable {
    /// Why a policy is or is not evaluated (the `state` label of `vigil_policies`).
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Evaluated in background scans.
        case ready
        /// `spec.background: false`, or a rule uses variables a background scan cannot provide.
        case notBackground = "not_background"
        /// The policy cannot be decoded or compiled.
        case invalid
        /// Labelled `reports.kyverno.io/disabled`, or a ValidatingAdmissionPolicy not labelled
        /// `reports.kyverno.io/enabled: "true"`.
        case disabled
        /// No validate rule Vigil can evaluate.
        case unsupported
    }

    /// One policy's standing.
    public struct Entry: Sendable {
        public var key: String
        public var state: State
        /// Why the policy is not ready (empty when ready).
        public var reason: String
        /// The compiled policy (ready policies only).
        public var compiled: CompiledPolicy?
        /// The kinds its rules match.
        public var kinds: Set<String>
        var version: String
        /// A ValidatingPolicy or NamespacedValidatingPolicy (ready ones only).
        public var validating: CompiledValidatingPolicy? = nil
        /// The resources (plural names, `*` for any) a ValidatingPolicy or ValidatingAdmissionPolicy matches.
        public var resources: Set<String> = []
        /// A ValidatingAdmissionPolicy (ready ones only).
        public var admission: CompiledValidatingAdmissionPolicy? = nil

        /// This entry in `state`, for `reason`.
        func setting(_ state: State, _ reason: String) -> Entry {
            var entry = self
            entry.state = state
            entry.reason = reason
            return entry
        }
    }

    /// The label that turns reports off for a policy.
    public static let disabledLabel = "reports.kyverno.io/disabled"

    private struct Contents {
        var entries: [String: Entry] = [:]
        var set = PolicySet([])
        var validating: [(policy: CompiledValidatingPolicy, resources: Set<String>)] = []
        /// PolicyExceptions of both groups by key, with their versions.
        var exceptions: [String: (version: String, exception: Exception)] = [:]
        var celExceptions: [CompiledCELPolicyException] = []
        var legacyExceptions: [PolicyException] = []

        var admission: [(policy: CompiledValidatingAdmissionPolicy, resources: Set<String>)] = []
        /// ValidatingAdmissionPolicyBindings by name, with their versions (those labelled
        /// `reports.kyverno.io/disabled` are left out, as Kyverno's reports controller leaves them out).
        var bindings: [String: (version: String, binding: ValidatingAdmissionPolicyBinding)] = [:]
        var bindingList: [ValidatingAdmissionPolicyBinding] = []

        mutating func rebuildExceptions() {
            let ordered = exceptions.values.map(\.exception).sorted { $0.order.lexicographicallyPrecedes($1.order) }
            celExceptions = ordered.compactMap { if case .cel(let compiled) = $0 { compiled } else { nil } }
            legacyExceptions = ordered.compactMap { if case .legacy(let exception) = $0 { exception } else { nil } }
        }
    }

    /// A PolicyException of either group.
    enum Exception: Sendable {
        case cel(CompiledCELPolicyException)
        case legacy(PolicyException)

        /// Kyverno applies exceptions sorted by namespace, then name.
        var order: [String] {
            switch self {
            case .cel(let compiled): [compiled.exception.namespace ?? "", compiled.exception.name]
            case .legacy(let exception): [exception.namespace ?? "", exception.name]
            }
        }
    }

    private let contents = Mutex(Contents())
    private let queries: QueryEngine
    private let logger: Logger
    /// Which PolicyExceptions apply.
    let exceptionSettings: PolicyExceptionSettings

    init(queries: QueryEngine, logger: Logger, exceptionSettings: PolicyExceptionSettings = PolicyExceptionSettings()) {
        self.queries = queries
        self.logger = logger
        self.exceptionSettings = exceptionSettings
    }

    /// The ready policies, indexed by kind.
    public var policySet: PolicySet { contents.withLock { $0.set } }

    /// What one evaluation reads, taken under one lock: every kind's ready policies and the exceptions and
    /// bindings they use, as one consistent view.
    struct Snapshot {
        var policySet: PolicySet
        var legacyExceptions: [PolicyException]
        var admission: [(policy: CompiledValidatingAdmissionPolicy, resources: Set<String>)]
        var admissionBindings: [ValidatingAdmissionPolicyBinding]
        var validating: [(policy: CompiledValidatingPolicy, resources: Set<String>)]
        var celExceptions: [CompiledCELPolicyException]
    }

    var snapshot: Snapshot {
        contents.withLock { contents in
            Snapshot(
                policySet: contents.set, legacyExceptions: contents.legacyExceptions, admission: contents.admission,
                admissionBindings: contents.bindingList, validating: contents.validating,
                celExceptions: contents.celExceptions)
        }
    }

    /// Every policy's standing, by key.
    public var entries: [String: Entry] { contents.withLock { $0.entries } }

    /// The kinds ready policies match.
    public var kinds: Set<String> { contents.withLock { $0.set.kinds.subtracting(["*"]) } }

    /// The ready ValidatingPolicies and NamespacedValidatingPolicies (background enabled), by key.
    public var validatingPolicies: [CompiledValidatingPolicy] { contents.withLock { $0.validating.map(\.policy) } }

    /// The resources (plural names) ready ValidatingPolicies and ValidatingAdmissionPolicies match; `*` when
    /// one matches any resource.
    public var validatingResources: Set<String> {
        contents.withLock { contents in
            contents.entries.values.reduce(into: Set<String>()) { resources, entry in
                if entry.state == .ready && (entry.validating != nil || entry.admission != nil) {
                    resources.formUnion(entry.resources)
                }
            }
        }
    }

    /// The ValidatingAdmissionPolicyBindings the reports use, by name.
    public var admissionBindings: [ValidatingAdmissionPolicyBinding] { contents.withLock { $0.bindingList } }

    /// The CEL PolicyExceptions (policies.kyverno.io) that apply, by namespace and name.
    public var celExceptions: [CompiledCELPolicyException] { contents.withLock { $0.celExceptions } }

    /// The kyverno.io PolicyExceptions that apply (none unless enabled), by namespace and name.
    public var legacyExceptions: [PolicyException] { contents.withLock { $0.legacyExceptions } }

    /// The key of a policy document: `ClusterPolicy/name`, `Policy/namespace/name`,
    /// `ValidatingPolicy/name`, `NamespacedValidatingPolicy/namespace/name` or
    /// `ValidatingAdmissionPolicy/name`.
    static func key(of document: JSONValue) -> String {
        let kind = document["kind"]?.stringValue ?? "ClusterPolicy"
        let name = document[path: "metadata", "name"]?.stringValue ?? ""
        let namespace = document[path: "metadata", "namespace"]?.stringValue ?? ""
        return key(kind: kind, namespace: namespace, name: name)
    }

    /// The key of a policy of `kind` (`ClusterPolicy` unless one of the other policy kinds).
    static func key(kind: String, namespace: String, name: String) -> String {
        switch kind {
        case "Policy", "NamespacedValidatingPolicy": return "\(kind)/\(namespace)/\(name)"
        case "ValidatingPolicy", "ValidatingAdmissionPolicy": return "\(kind)/\(name)"
        default: return "ClusterPolicy/\(name)"
        }
    }

    /// The key of a PolicyException of `group` (`policies.kyverno.io` or `kyverno.io`).
    static func exceptionKey(group: String, namespace: String, name: String) -> String {
        group == "kyverno.io"
            ? "kyverno.io/PolicyException/\(namespace)/\(name)" : "PolicyException/\(namespace)/\(name)"
    }

    /// Adds or replaces a PolicyException of either group; returns whether what applies changed. One that
    /// does not decode is logged and left out, as is one ``exceptionSettings`` does not allow.
    @discardableResult
    func upsertException(_ document: JSONValue, key explicitKey: String? = nil) -> Bool {
        let isCEL = CELPolicyException.isExceptionDocument(document)
        let namespace = document[path: "metadata", "namespace"]?.stringValue ?? ""
        let key =
            explicitKey
            ?? Self.exceptionKey(
                group: isCEL ? "policies.kyverno.io" : "kyverno.io", namespace: namespace,
                name: document[path: "metadata", "name"]?.stringValue ?? "")
        let version = document[path: "metadata", "resourceVersion"]?.stringValue ?? document.contentHash
        if contents.withLock({ $0.exceptions[key]?.version }) == version { return false }
        let allowed =
            isCEL
            ? exceptionSettings.appliesCEL(namespace: namespace) : exceptionSettings.appliesLegacy(namespace: namespace)
        guard allowed else {
            logger.info(
                "policy exception ignored",
                metadata: ["exception": "\(key)", "reason": "\(exceptionSettings.refusal(cel: isCEL))"])
            return removeException(key: key)
        }
        let exception: Exception
        do {
            exception =
                isCEL
                ? .cel(try CompiledCELPolicyException(try CELPolicyException(decoding: document)))
                : .legacy(try PolicyException(decoding: document))
        } catch {
            logger.warning("policy exception not used", metadata: ["exception": "\(key)", "reason": "\(error)"])
            return removeException(key: key)
        }
        logger.info("policy exception ready", metadata: ["exception": "\(key)"])
        contents.withLock { contents in
            contents.exceptions[key] = (version, exception)
            contents.rebuildExceptions()
        }
        return true
    }

    /// Removes a PolicyException; returns whether there was one.
    @discardableResult
    func removeException(key: String) -> Bool {
        contents.withLock { contents in
            guard contents.exceptions.removeValue(forKey: key) != nil else { return false }
            contents.rebuildExceptions()
            return true
        }
    }

    /// Adds or replaces a ValidatingAdmissionPolicyBinding; returns the resources whose results may change
    /// (those of the policies the old and the new version bind), or `nil` when nothing changed. One that
    /// does not decode, or is labelled `reports.kyverno.io/disabled`, is left out (logged).
    @discardableResult
    func upsertBinding(_ document: JSONValue) -> Affected? {
        let name = document[path: "metadata", "name"]?.stringValue ?? ""
        let version = document[path: "metadata", "resourceVersion"]?.stringValue ?? document.contentHash
        if contents.withLock({ $0.bindings[name]?.version }) == version { return nil }
        let binding: ValidatingAdmissionPolicyBinding
        do {
            binding = try ValidatingAdmissionPolicyDecoder.decodeBinding(document)
        } catch {
            logger.warning("policy binding not used", metadata: ["binding": "\(name)", "reason": "\(error)"])
            return removeBinding(name: name)
        }
        if binding.labels[Self.disabledLabel] != nil {
            logger.info(
                "policy binding not used", metadata: ["binding": "\(name)", "reason": "labelled \(Self.disabledLabel)"])
            return removeBinding(name: name)
        }
        logger.info("policy binding ready", metadata: ["binding": "\(name)", "policy": "\(binding.policyName)"])
        return contents.withLock { contents in
            let old = contents.bindings.updateValue((version, binding), forKey: name)
            Self.rebuildBindings(&contents)
            return Self.affected(contents, policyNames: [old?.binding.policyName, binding.policyName])
        }
    }

    /// Removes a ValidatingAdmissionPolicyBinding; returns the resources of the policy it bound, or `nil`
    /// when there was none.
    @discardableResult
    func removeBinding(name: String) -> Affected? {
        contents.withLock { contents in
            guard let old = contents.bindings.removeValue(forKey: name) else { return nil }
            Self.rebuildBindings(&contents)
            return Self.affected(contents, policyNames: [old.binding.policyName])
        }
    }

    private static func rebuildBindings(_ contents: inout Contents) {
        contents.bindingList = contents.bindings.keys.sorted().compactMap { contents.bindings[$0]?.binding }
    }

    /// The resources of the ready ValidatingAdmissionPolicies named.
    private static func affected(_ contents: Contents, policyNames: [String?]) -> Affected {
        var affected = Affected()
        for name in Set(policyNames.compactMap(\.self)) {
            if let entry = contents.entries[key(kind: "ValidatingAdmissionPolicy", namespace: "", name: name)],
                entry.state == .ready
            {
                affected.resources.formUnion(entry.resources)
            }
        }
        return affected
    }

    /// What a policy change may change: the kinds (ClusterPolicy, Policy) and resources (ValidatingPolicy,
    /// plural names, `*` for any) the old and the new version matched.
    struct Affected: Sendable, Hashable {
        var kinds: Set<String> = []
        var resources: Set<String> = []
    }

    /// Adds or replaces a policy. Returns the kinds and resources whose results may change (those the old
    /// version matched and those the new one matches), or `nil` when nothing changed (same version).
    @discardableResult
    func upsert(_ document: JSONValue, key explicitKey: String? = nil) -> Affected? {
        let key = explicitKey ?? Self.key(of: document)
        let version = document[path: "metadata", "resourceVersion"]?.stringValue ?? document.contentHash
        if let existing = contents.withLock({ $0.entries[key] }), existing.version == version { return nil }
        let entry: Entry
        if ValidatingPolicyDecoder.isValidatingPolicyDocument(document) {
            entry = compileValidating(document, key: key, version: version)
        } else if ValidatingAdmissionPolicyDecoder.isPolicyDocument(document) {
            entry = compileAdmission(document, key: key, version: version)
        } else {
            entry = compile(document, key: key, version: version)
        }
        if entry.state != .ready {
            logger.warning(
                "policy not evaluated in background scans",
                metadata: ["policy": "\(key)", "state": "\(entry.state.rawValue)", "reason": "\(entry.reason)"])
        } else {
            logger.info(
                "policy ready",
                metadata: [
                    "policy": "\(key)", "kinds": "\(entry.kinds.sorted())", "resources": "\(entry.resources.sorted())",
                ])
        }
        return contents.withLock { contents in
            let old = contents.entries.updateValue(entry, forKey: key)
            rebuild(&contents)
            return Self.affected(old, entry)
        }
    }

    /// Removes a policy; returns the kinds and resources it matched.
    @discardableResult
    func remove(key: String) -> Affected {
        contents.withLock { contents in
            guard let old = contents.entries.removeValue(forKey: key) else { return Affected() }
            rebuild(&contents)
            logger.info("policy removed", metadata: ["policy": "\(key)"])
            return Self.affected(old, nil)
        }
    }

    private static func affected(_ old: Entry?, _ new: Entry?) -> Affected {
        var affected = Affected()
        for entry in [old, new].compactMap(\.self) where entry.state == .ready {
            affected.kinds.formUnion(entry.kinds)
            affected.resources.formUnion(entry.resources)
        }
        return affected
    }

    private func rebuild(_ contents: inout Contents) {
        let keys = contents.entries.keys.sorted()
        contents.set = PolicySet(keys.compactMap { contents.entries[$0]?.compiled })
        contents.validating = keys.compactMap { key in
            contents.entries[key].flatMap { entry in entry.validating.map { ($0, entry.resources) } }
        }
        contents.admission = keys.compactMap { key in
            contents.entries[key].flatMap { entry in entry.admission.map { ($0, entry.resources) } }
        }
        var counts: [State: Int] = [:]
        for entry in contents.entries.values { counts[entry.state, default: 0] += 1 }
        for state in State.allCases {
            Gauge(label: "vigil_policies", dimensions: [("state", state.rawValue)]).record(counts[state, default: 0])
        }
    }

    /// The entry of a document `compile` turns into a compiled policy: `invalid` with the error when it
    /// throws, otherwise whatever `classify` makes of the compiled policy.
    private func entry<Compiled>(
        key: String, version: String, _ compile: () throws -> Compiled,
        classify: (Compiled, inout Entry) -> Void
    ) -> Entry {
        var entry = Entry(key: key, state: .invalid, reason: "", compiled: nil, kinds: [], version: version)
        do {
            classify(try compile(), &entry)
        } catch {
            entry.reason = "\(error)"
        }
        return entry
    }

    /// A ValidatingPolicy or NamespacedValidatingPolicy: ready when it compiles and runs in background.
    private func compileValidating(_ document: JSONValue, key: String, version: String) -> Entry {
        entry(
            key: key, version: version, { try CompiledValidatingPolicy(try ValidatingPolicyDecoder.decode(document)) }
        ) {
            compiled, entry in
            entry.resources = compiled.matchedResources
            if compiled.policy.labels[Self.disabledLabel] != nil {
                entry = entry.setting(.disabled, "labelled \(Self.disabledLabel)")
            } else if !compiled.runsInBackground {
                entry = entry.setting(.notBackground, "spec.evaluation.background.enabled is false")
            } else if compiled.policy.spec.evaluationMode == "JSON" {
                // JSON-mode policies validate JSON payloads (vigil apply --json-payload), not cluster objects.
                entry = entry.setting(.unsupported, "spec.evaluation.mode is JSON")
            } else {
                entry.state = .ready
                entry.validating = compiled
            }
        }
    }

    /// A ValidatingAdmissionPolicy: ready when it decodes and is labelled `reports.kyverno.io/enabled: "true"`
    /// (Kyverno's reports controller reports no other). Its expressions always compile: one that does not
    /// is an `error` result, as Kubernetes reports it.
    private func compileAdmission(_ document: JSONValue, key: String, version: String) -> Entry {
        entry(
            key: key, version: version,
            {
                CompiledValidatingAdmissionPolicy(try ValidatingAdmissionPolicyDecoder.decodePolicy(document))
            }
        ) { compiled, entry in
            entry.resources = compiled.matchedResources
            if compiled.policy.reportsEnabled {
                entry.state = .ready
                entry.admission = compiled
            } else {
                entry = entry.setting(.disabled, "not labelled \(ValidatingAdmissionPolicy.reportsEnabledLabel)=true")
            }
        }
    }

    private func compile(_ document: JSONValue, key: String, version: String) -> Entry {
        entry(key: key, version: version, { try CompiledPolicy(try PolicyDecoder.decode(document)) }) {
            compiled, entry in
            entry.kinds = compiled.matchedKinds.subtracting(["*"])
            entry = classify(compiled, entry)
        }
    }

    /// Whether a compiled ClusterPolicy or Policy is ready, and why not.
    private func classify(_ compiled: CompiledPolicy, _ entry: Entry) -> Entry {
        let policy = compiled.policy
        if policy.labels[Self.disabledLabel] != nil {
            return entry.setting(.disabled, "labelled \(Self.disabledLabel)")
        }
        if !policy.spec.background {
            return entry.setting(.notBackground, "spec.background is false")
        }
        if !compiled.backgroundViolations.isEmpty {
            return entry.setting(.notBackground, compiled.backgroundViolations.map(\.message).joined(separator: "; "))
        }
        let unsupportedRules = Set(compiled.unsupported.map(\.rule))
        if !compiled.rules.contains(where: { $0.type == .validate && !unsupportedRules.contains($0.name) }) {
            return entry.setting(
                .unsupported,
                compiled.unsupported.isEmpty
                    ? "no validate rules"
                    : compiled.unsupported.map { "rule \($0.rule): \($0.feature)" }.joined(separator: "; "))
        }
        let failures = queries.prepare(compiled)
        if !failures.isEmpty {
            return entry.setting(
                .invalid,
                failures.map { "rule \($0.rule): invalid JMESPath \"\($0.expression)\": \($0.message)" }
                    .joined(separator: "; "))
        }
        var ready = entry
        ready.state = .ready
        ready.compiled = compiled
        return ready
    }
}
