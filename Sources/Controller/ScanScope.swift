/// Which objects the controller scans: namespaces to include or exclude, resource filters, and the shard.
public struct ScanScope: Sendable, Hashable {
    /// Only these namespaces (empty: all). Cluster-scoped objects are always in scope.
    public var namespaces: Set<String>
    /// Never these namespaces.
    public var excludedNamespaces: Set<String>
    public var filters: [ResourceFilter]
    /// The number of shards (1: no sharding).
    public var shards: Int
    /// This replica's shard, in `0..<shards`.
    public var shardIndex: Int

    public init(
        namespaces: Set<String> = [], excludedNamespaces: Set<String> = [], filters: [ResourceFilter] = [],
        shards: Int = 1, shardIndex: Int = 0
    ) {
        precondition(shards >= 1 && (0..<shards).contains(shardIndex), "shard index out of range")
        self.namespaces = namespaces
        self.excludedNamespaces = excludedNamespaces
        self.filters = filters
        self.shards = shards
        self.shardIndex = shardIndex
    }

    /// Whether an object is scanned (namespaces and filters), ignoring the shard.
    public func includes(kind: String, namespace: String, name: String) -> Bool {
        if !namespace.isEmpty {
            if !namespaces.isEmpty, !namespaces.contains(namespace) { return false }
            if excludedNamespaces.contains(namespace) { return false }
        }
        return !filters.contains { $0.matches(kind: kind, namespace: namespace, name: name) }
    }

    /// Whether this replica's shard owns a resource UID (FNV-1a 64 of the UID, modulo the shard count).
    public func owns(uid: String) -> Bool {
        shards == 1 || Self.shard(of: uid, shards: shards) == shardIndex
    }

    /// The shard of a UID.
    public static func shard(of uid: String, shards: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in uid.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(max(1, shards)))
    }
}
