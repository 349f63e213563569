import CEL
import Foundation
import JSONValue
import OrderedCollections

/// Decodes the `cel.expr.Value` JSON of the conformance files (see ../shared/testdata/cel/SOURCE.md).
enum ConformanceValue {
    struct Unsupported: Error {
        var reason: String
    }

    static func decode(_ json: JSONValue) throws -> CELValue {
        guard case .object(let object) = json, let (kind, payload) = object.elements.first.map({ ($0.key, $0.value) })
        else {
            throw Unsupported(reason: "malformed value")
        }
        switch kind {
        case "nullValue": return .null
        case "boolValue": return .bool(payload.boolValue ?? false)
        case "int64Value":
            guard let text = payload.stringValue, let value = Int64(text) else { throw Unsupported(reason: "int64") }
            return .int(value)
        case "uint64Value":
            guard let text = payload.stringValue, let value = UInt64(text) else { throw Unsupported(reason: "uint64") }
            return .uint(value)
        case "doubleValue":
            switch payload {
            case .string("NaN"): return .double(.nan)
            case .string("Infinity"): return .double(.infinity)
            case .string("-Infinity"): return .double(-.infinity)
            default:
                guard let value = payload.doubleValue else { throw Unsupported(reason: "double") }
                return .double(value)
            }
        case "stringValue": return .string(payload.stringValue ?? "")
        case "bytesValue":
            guard let text = payload.stringValue, let data = Data(base64Encoded: text) else {
                throw Unsupported(reason: "bytes")
            }
            return .bytes(Array(data))
        case "listValue":
            let values = payload["values"]?.arrayValue ?? []
            return .list(CELList(try values.map(decode)))
        case "mapValue":
            var entries = OrderedDictionary<CELMapKey, CELValue>()
            for entry in payload["entries"]?.arrayValue ?? [] {
                guard let keyJSON = entry["key"], let valueJSON = entry["value"],
                    let key = CELMapKey(try decode(keyJSON))
                else { throw Unsupported(reason: "map entry") }
                entries[key] = try decode(valueJSON)
            }
            return .map(CELMap(entries))
        case "typeValue":
            guard let name = payload.stringValue else { throw Unsupported(reason: "type") }
            let known: [String: CELType] = [
                "null_type": .null, "bool": .bool, "int": .int, "uint": .uint, "double": .double,
                "string": .string, "bytes": .bytes, "list": .list, "map": .map, "type": .type,
                "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration,
                "optional_type": .optional,
            ]
            return .type(known[name] ?? .opaque(name))
        default:
            throw Unsupported(reason: "value kind \(kind)")
        }
    }
}
