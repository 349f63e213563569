/// A counted repeat of a regular expression as Go's RE2 syntax writes it: `{n}`, `{n,}` or `{n,m}`.
public struct CountedRepeat: Sendable, Equatable {
    public var minimum: Int
    /// The upper bound; nil for `{n,}`, which has none.
    public var maximum: Int?
    /// How many scalars the repeat spans, braces included.
    public var length: Int

    /// Reads the counted repeat whose `{` is at `start` in `scalars`; nil when the text there is not one (Go
    /// then reads the `{` as a literal). A bound larger than `limit` reads as `limit`.
    public init?(_ scalars: [Unicode.Scalar], at start: Int, limit: Int) {
        var position = start + 1
        func number() -> Int? {
            let first = position
            var value = 0
            while position < scalars.count, let digit = scalars[position].digitValue {
                value = min(value * 10 + digit, limit)
                position += 1
            }
            return position > first ? value : nil
        }
        guard let minimum = number() else { return nil }
        var maximum: Int? = minimum
        if position < scalars.count, scalars[position] == "," {
            position += 1
            maximum = number()
        }
        guard position < scalars.count, scalars[position] == "}" else { return nil }
        self.minimum = minimum
        self.maximum = maximum
        self.length = position + 1 - start
    }
}
