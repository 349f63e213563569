import JSONValue
import KubeClient
import PolicyReports

/// One unit of work: evaluate an object (from an event or a list, or read fresh when `object` is nil),
/// or delete the report of a resource that is gone.
enum ScanItem: Sendable {
    case evaluate(ScanTarget, object: JSONValue?)
    case delete(uid: String)

    /// Which of two items for the same key to keep: a deletion wins (UIDs are never reused); otherwise
    /// the newer object by resource version, so a list page read before a watch event cannot replace it.
    static func merge(_ old: ScanItem, _ new: ScanItem) -> ScanItem {
        switch (old, new) {
        case (.delete, _): return old
        case (.evaluate(_, let oldObject?), .evaluate(_, let newObject?)):
            if let oldVersion = oldObject.resourceVersionNumber, let newVersion = newObject.resourceVersionNumber,
                oldVersion > newVersion
            {
                return old
            }
            return new
        default: return new
        }
    }
}

extension ScanItem {
    /// The item for an object a rescan listed, given what the kind's informer knows of it now: the listed
    /// copy when the informer has seen no newer version; otherwise a fresh read (`object: nil`). A list
    /// page can be older than watch events already evaluated, and evaluating it after them would leave a
    /// report of a past version that no later event corrects; an object the informer no longer knows may be
    /// gone (the read then deletes its report).
    /// - Parameter informedVersion: the resource version the informer holds for the object; nil when it
    ///   holds none.
    static func listed(_ object: JSONValue, target: ScanTarget, informedVersion: String?) -> ScanItem {
        guard let informedVersion else { return .evaluate(target, object: nil) }
        let listedVersion = object[path: "metadata", "resourceVersion"]?.stringValue ?? ""
        if informedVersion == listedVersion { return .evaluate(target, object: object) }
        if let listed = UInt64(listedVersion), let known = UInt64(informedVersion), listed > known {
            return .evaluate(target, object: object)
        }
        return .evaluate(target, object: nil)
    }
}

/// The resource an evaluation is about: its kind's mapping and the identity the informer or list read
/// once; the report's subject derives from these, not from parsing the object again.
struct ScanTarget: Sendable, Hashable {
    var mapping: ResourceMapping
    var namespace: String
    var name: String
    var uid: String

    init(mapping: ResourceMapping, namespace: String, name: String, uid: String) {
        self.mapping = mapping
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }

    init(mapping: ResourceMapping, identity: ObjectIdentity) {
        self.init(mapping: mapping, namespace: identity.namespace, name: identity.name, uid: identity.uid)
    }

    /// The subject of the resource's report.
    var subject: ReportSubject {
        ReportSubject(
            apiVersion: mapping.resource.groupVersion, kind: mapping.kind, name: name, namespace: namespace, uid: uid)
    }
}

extension JSONValue {
    /// `metadata.resourceVersion` as a number, when it is one (etcd revisions are).
    var resourceVersionNumber: UInt64? {
        self[path: "metadata", "resourceVersion"]?.stringValue.flatMap { UInt64($0) }
    }

}

/// A request to evaluate the objects of some kinds again (after a policy or namespace change, or a
/// resync), by listing them page by page.
struct RescanRequest: Sendable {
    var kinds: Set<String>
    /// Resources (plural names; `*` for every watched kind) whose kinds are rescanned too.
    var resources: Set<String> = []
    /// Only objects in this namespace; nil for all.
    var namespace: String?
    /// Start or stop informers first (the policies changed).
    var reconcile = false
    /// Pause between pages, to spread a periodic resync out.
    var pacing: Duration = .zero
    /// Finished once the objects have been listed and queued, or when the rescan is abandoned.
    var completion: RescanTicket? = nil
}
