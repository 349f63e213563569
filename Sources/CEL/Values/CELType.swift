/// A CEL type as a value (`type(1) == int`). Library types are ``opaque(_:)`` by name.
public enum CELType: Hashable, Sendable {
    case null, bool, int, uint, double, string, bytes, list, map, timestamp, duration, type, optional, dyn
    case error
    case opaque(String)

    /// The name `type(x)` prints and the identifier that denotes the type.
    public var name: String {
        switch self {
        case .null: "null_type"
        case .bool: "bool"
        case .int: "int"
        case .uint: "uint"
        case .double: "double"
        case .string: "string"
        case .bytes: "bytes"
        case .list: "list"
        case .map: "map"
        case .timestamp: "google.protobuf.Timestamp"
        case .duration: "google.protobuf.Duration"
        case .type: "type"
        case .optional: "optional_type"
        case .dyn: "dyn"
        case .error: "error"
        case .opaque(let name): name
        }
    }

    /// The type an identifier denotes, when it names one.
    static func named(_ name: String) -> CELType? {
        switch name {
        case "null_type": .null
        case "bool": .bool
        case "int": .int
        case "uint": .uint
        case "double": .double
        case "string": .string
        case "bytes": .bytes
        case "list": .list
        case "map": .map
        case "google.protobuf.Timestamp": .timestamp
        case "google.protobuf.Duration": .duration
        case "type": .type
        case "optional_type": .optional
        case "dyn": .dyn
        default: nil
        }
    }
}
