/// Limits and choices for ``YAML/load(_:options:)``.
public struct YAMLLoadOptions: Sendable, Equatable {
    /// The most nodes (scalars and collections, counting every expansion of an alias) one stream may
    /// produce. Aliases are counted by the size of the node they repeat, so a "billion laughs" document
    /// fails fast with ``YAMLError/Kind/aliasLimit`` instead of exhausting memory. Default 10 million,
    /// several times the node count of the largest Kubernetes manifests.
    public var maximumNodeCount: Int
    /// The deepest nesting of collections, including what aliases expand to. Default 512.
    public var maximumDepth: Int
    /// Whether `.nan`, `.inf` and `-.inf` load as non-finite ``JSONValue/double(_:)`` values instead of
    /// failing with ``YAMLError/Kind/nonFiniteNumber``. sigs.k8s.io/yaml fails on them (JSON has no
    /// such numbers), so the default is `false`.
    public var allowsNonFiniteNumbers: Bool

    public init(maximumNodeCount: Int = 10_000_000, maximumDepth: Int = 512, allowsNonFiniteNumbers: Bool = false) {
        self.maximumNodeCount = maximumNodeCount
        self.maximumDepth = maximumDepth
        self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
    }
}
