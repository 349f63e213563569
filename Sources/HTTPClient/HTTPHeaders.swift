/// HTTP header fields: ordered, multi-valued, with case-insensitive name lookup.
///
/// Names keep the spelling they were added with; lookups compare names ASCII case-insensitively, as HTTP
/// requires. A name can occur several times (`Set-Cookie`, `Warning`); ``values(for:)`` returns every value in
/// order and the subscript returns the first.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field.
    public struct Field: Sendable, Hashable {
        /// The field name as it was sent or received.
        public var name: String
        /// The field value, without surrounding whitespace.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// Creates an empty header list.
    public init() { self.fields = [] }

    /// Creates headers from name/value pairs, in order.
    public init(_ pairs: [(String, String)]) {
        self.fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields, counting repeated names separately.
    public var count: Int { self.fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { self.fields.isEmpty }

    /// Appends a field, keeping any existing fields with the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Replaces every field with this name by one field with the given value.
    public mutating func replaceOrAdd(name: String, value: String) {
        self.remove(name: name)
        self.add(name: name, value: value)
    }

    /// Removes every field with this name.
    public mutating func remove(name: String) {
        self.fields.removeAll { Self.namesEqual($0.name, name) }
    }

    /// Every value of the fields with this name, in order.
    public func values(for name: String) -> [String] {
        self.fields.compactMap { Self.namesEqual($0.name, name) ? $0.value : nil }
    }

    /// Whether a field with this name exists.
    public func contains(name: String) -> Bool {
        self.fields.contains { Self.namesEqual($0.name, name) }
    }

    /// The first value of the field with this name, or `nil`. Setting replaces every field with this name;
    /// setting `nil` removes them.
    public subscript(name: String) -> String? {
        get { self.fields.first { Self.namesEqual($0.name, name) }?.value }
        set {
            if let newValue {
                self.replaceOrAdd(name: name, value: newValue)
            } else {
                self.remove(name: name)
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { self.fields.makeIterator() }

    public var description: String {
        self.fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { Self.lowercased($0) == Self.lowercased($1) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte + 32 : byte
    }
}
