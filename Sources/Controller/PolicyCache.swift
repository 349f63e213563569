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
        /// Labelled `reports.kyverno.io/disabled`.
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
    }

    /// The label that turns reports off for a policy.
    public static let disabledLabel = "reports.kyverno.io/disabled"

    private struct Contents {
        var entries: [String: Entry] = [:]
        var set = PolicySet([])
    }

    private let contents = Mutex(Contents())
    private let queries: QueryEngine
    private let logger: Logger

    init(queries: QueryEngine, logger: Logger) {
        self.queries = queries
        self.logger = logger
    }

    /// The ready policies, indexed by kind.
    public var policySet: PolicySet { contents.withLock { $0.set } }

    /// Every policy's standing, by key.
    public var entries: [String: Entry] { contents.withLock { $0.entries } }

    /// The kinds ready policies match.
    public var kinds: Set<String> { contents.withLock { $0.set.kinds.subtracting(["*"]) } }

    /// The key of a policy document: `ClusterPolicy/name` or `Policy/namespace/name`.
    static func key(of document: JSONValue) -> String {
        let kind = document["kind"]?.stringValue ?? "ClusterPolicy"
        let name = document[path: "metadata", "name"]?.stringValue ?? ""
        if kind == "Policy" { return "Policy/\(document[path: "metadata", "namespace"]?.stringValue ?? "")/\(name)" }
        return "ClusterPolicy/\(name)"
    }

    /// Adds or replaces a policy. Returns the kinds whose results may change (those the old version matched
    /// and those the new one matches), or `nil` when nothing changed (same version).
    @discardableResult
    func upsert(_ document: JSONValue, key explicitKey: String? = nil) -> Set<String>? {
        let key = explicitKey ?? Self.key(of: document)
        let version = document[path: "metadata", "resourceVersion"]?.stringValue ?? document.contentHash
        if let existing = contents.withLock({ $0.entries[key] }), existing.version == version { return nil }
        let entry = compile(document, key: key, version: version)
        if entry.state != .ready {
            logger.warning(
                "policy not evaluated in background scans",
                metadata: ["policy": "\(key)", "state": "\(entry.state.rawValue)", "reason": "\(entry.reason)"])
        } else {
            logger.info("policy ready", metadata: ["policy": "\(key)", "kinds": "\(entry.kinds.sorted())"])
        }
        return contents.withLock { contents in
            let old = contents.entries.updateValue(entry, forKey: key)
            rebuild(&contents)
            return Self.affected(old, entry)
        }
    }

    /// Removes a policy; returns the kinds it matched.
    @discardableResult
    func remove(key: String) -> Set<String> {
        contents.withLock { contents in
            guard let old = contents.entries.removeValue(forKey: key) else { return [] }
            rebuild(&contents)
            logger.info("policy removed", metadata: ["policy": "\(key)"])
            return old.state == .ready ? old.kinds : []
        }
    }

    private static func affected(_ old: Entry?, _ new: Entry) -> Set<String> {
        var kinds: Set<String> = []
        if let old, old.state == .ready { kinds.formUnion(old.kinds) }
        if new.state == .ready { kinds.formUnion(new.kinds) }
        return kinds
    }

    private func rebuild(_ contents: inout Contents) {
        let ready = contents.entries.keys.sorted().compactMap { contents.entries[$0]?.compiled }
        contents.set = PolicySet(ready)
        var counts: [State: Int] = [:]
        for entry in contents.entries.values { counts[entry.state, default: 0] += 1 }
        for state in State.allCases {
            Gauge(label: "vigil_policies", dimensions: [("state", state.rawValue)]).record(counts[state, default: 0])
        }
    }

    private func compile(_ document: JSONValue, key: String, version: String) -> Entry {
        var entry = Entry(key: key, state: .invalid, reason: "", compiled: nil, kinds: [], version: version)
        let policy: Policy
        let compiled: CompiledPolicy
        do {
            policy = try PolicyDecoder.decode(document)
            compiled = try CompiledPolicy(policy)
        } catch {
            entry.reason = "\(error)"
            return entry
        }
        entry.kinds = compiled.matchedKinds.subtracting(["*"])
        if policy.labels[Self.disabledLabel] != nil {
            entry.state = .disabled
            entry.reason = "labelled \(Self.disabledLabel)"
            return entry
        }
        if !policy.spec.background {
            entry.state = .notBackground
            entry.reason = "spec.background is false"
            return entry
        }
        if !compiled.backgroundViolations.isEmpty {
            entry.state = .notBackground
            entry.reason = compiled.backgroundViolations.map(\.message).joined(separator: "; ")
            return entry
        }
        let unsupportedRules = Set(compiled.unsupported.map(\.rule))
        if !compiled.rules.contains(where: { $0.type == .validate && !unsupportedRules.contains($0.name) }) {
            entry.state = .unsupported
            entry.reason =
                compiled.unsupported.isEmpty
                ? "no validate rules"
                : compiled.unsupported.map { "rule \($0.rule): \($0.feature)" }.joined(separator: "; ")
            return entry
        }
        let failures = queries.prepare(compiled)
        if !failures.isEmpty {
            entry.reason = failures.map { "rule \($0.rule): invalid JMESPath \"\($0.expression)\": \($0.message)" }
                .joined(separator: "; ")
            return entry
        }
        entry.state = .ready
        entry.compiled = compiled
        return entry
    }
}
