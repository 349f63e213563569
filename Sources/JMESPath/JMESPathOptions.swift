/// How an evaluation treats missing object keys and how much work it may do.
public struct JMESPathOptions: Sendable {
    /// What a path that names a missing object key produces.
    public enum MissingKeys: Sendable, Hashable {
        /// Standard JMESPath: `null`.
        case null
        /// Kyverno's engine (its go-jmespath fork): a path to a missing key fails with a ``JMESPathError``
        /// of kind `not-found` (`Unknown key "x" in path`). Comparisons, function arguments, projections,
        /// `||`, `!`, pipes and multi-selects treat the missing key as `null`; only a plain path (and the
        /// right side of `&&`) reports it.
        case error
    }

    public var missingKeys: MissingKeys

    /// The most JSON nodes (scalars, arrays, objects) that the values built by multi-selects and function
    /// calls may hold in total during one evaluation. Expressions such as `@ | [@, @] | [@, @] | ...` double
    /// their result at each step; this bound turns that into a `limit-exceeded` error instead of an
    /// exponential amount of work for whoever reads the result.
    public var maximumBuiltNodes: Int

    public init(missingKeys: MissingKeys = .null, maximumBuiltNodes: Int = 10_000_000) {
        self.missingKeys = missingKeys
        self.maximumBuiltNodes = maximumBuiltNodes
    }

    /// Standard JMESPath behaviour.
    public static let standard = JMESPathOptions()

    /// Kyverno's behaviour: missing keys on a plain path are errors.
    public static let kyverno = JMESPathOptions(missingKeys: .error)
}
