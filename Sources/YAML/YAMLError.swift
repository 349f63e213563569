/// A YAML stream that could not be loaded: what kind of problem, where (1-based line and column) and why.
///
/// Every error names a position. Syntax errors from libyaml carry its problem text (for example
/// `mapping values are not allowed in this context`) and, when libyaml gives one, the construct it was
/// reading (`while parsing a block mapping at line 1, column 1`). Semantic errors (aliases, keys, limits)
/// point at the node that caused them.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem, for callers that react differently to, say, limits and syntax.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The text is not well-formed YAML (scanner or parser error).
        case syntax
        /// The bytes are not valid UTF-8/UTF-16, or contain characters YAML forbids.
        case encoding
        /// An alias names an anchor that was not defined earlier in the document.
        case undefinedAlias
        /// An alias refers to a node that contains it, which would expand forever.
        case recursiveAlias
        /// Aliases expand to more nodes than ``YAMLLoadOptions/maximumNodeCount`` allows.
        case aliasLimit
        /// Collections nest deeper than ``YAMLLoadOptions/maximumDepth`` allows.
        case depthLimit
        /// A mapping key that JSON cannot express: a collection, null, or an integer beyond `Int64`.
        case unsupportedKey
        /// A merge key `<<` whose value is not a mapping or a sequence of mappings.
        case invalidMerge
        /// A scalar that does not fit its explicit tag, for example `!!int abc`.
        case invalidScalar
        /// `.nan` or `.inf`, which JSON cannot express.
        case nonFiniteNumber
        /// ``YAML/loadSingle(_:options:)`` found no document or more than one.
        case documentCount
        /// libyaml could not allocate memory.
        case resource
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// The 1-based line of the problem.
    public var line: Int
    /// The 1-based column (in Unicode scalars, as libyaml counts) of the problem.
    public var column: Int
    /// What went wrong, in plain words.
    public var message: String
    /// The construct being read when the problem was found, with its own position, when libyaml gives one.
    public var context: String?

    public init(kind: Kind, line: Int, column: Int, message: String, context: String? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
        self.context = context
    }

    public var description: String {
        var text = "YAML error at line \(line), column \(column): \(message)"
        if let context { text += " (\(context))" }
        return text
    }
}
