import Foundation
import JSONValue

/// Decodes the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) of the few kinds that
/// `kubectl create namespace|configmap|secret|serviceaccount` send that way, into the JSON the store keeps.
///
/// The body is the magic `k8s\0` and a `runtime.Unknown` envelope (type meta, raw message). Each kind's
/// fields are declared as data below, from `k8s.io/api/core/v1/generated.proto`. A field this server
/// does not know gets 415 naming it, so nothing a client sent is dropped silently; JSON and YAML bodies
/// remain the way to send anything else.
enum KubernetesProtobuf {
    static let mediaType = "application/vnd.kubernetes.protobuf"
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// How one field is turned into JSON.
    indirect enum FieldType: Sendable {
        case string
        /// Bytes, written as base64 (as Kubernetes' JSON does for `[]byte`).
        case bytes
        case int64
        case bool
        case message([Int: Field])
        case stringMap
        case bytesMap
        case repeatedString
        /// A field the server sets itself (`creationTimestamp`): read and dropped.
        case serverSet
    }

    struct Field: Sendable {
        var name: String
        var type: FieldType
        init(_ name: String, _ type: FieldType) {
            self.name = name
            self.type = type
        }
    }

    static let objectMeta: [Int: Field] = [
        1: Field("name", .string), 2: Field("generateName", .string), 3: Field("namespace", .string),
        4: Field("selfLink", .serverSet), 5: Field("uid", .string), 6: Field("resourceVersion", .string),
        7: Field("generation", .int64), 8: Field("creationTimestamp", .serverSet),
        11: Field("labels", .stringMap), 12: Field("annotations", .stringMap),
        14: Field("finalizers", .repeatedString),
    ]

    /// The kinds this server reads from protobuf, by `apiVersion/kind`.
    static let kinds: [String: [Int: Field]] = [
        "v1/Namespace": [
            1: Field("metadata", .message(objectMeta)),
            2: Field("spec", .message([1: Field("finalizers", .repeatedString)])),
            3: Field("status", .message([1: Field("phase", .string)])),
        ],
        "v1/ConfigMap": [
            1: Field("metadata", .message(objectMeta)), 2: Field("data", .stringMap),
            3: Field("binaryData", .bytesMap), 4: Field("immutable", .bool),
        ],
        "v1/Secret": [
            1: Field("metadata", .message(objectMeta)), 2: Field("data", .bytesMap), 3: Field("type", .string),
            4: Field("stringData", .stringMap), 5: Field("immutable", .bool),
        ],
        "v1/ServiceAccount": [
            1: Field("metadata", .message(objectMeta)), 4: Field("automountServiceAccountToken", .bool),
        ],
    ]

    /// Decodes one object.
    /// - Throws: ``StatusError`` 400 for a malformed body, 415 for a kind or field this server cannot read
    ///   from protobuf.
    static func decode(_ bytes: [UInt8]) throws(StatusError) -> JSONValue {
        guard bytes.starts(with: magic) else {
            throw StatusError.badRequest("the protobuf body does not start with the Kubernetes magic number")
        }
        do {
            var apiVersion = ""
            var kind = ""
            var raw: ArraySlice<UInt8> = []
            var envelope = ProtobufReader(bytes[4...])
            while let (field, value) = try envelope.next() {
                switch (field, value) {
                case (1, .bytes(let typeMeta)):
                    var reader = ProtobufReader(typeMeta)
                    while let (typeField, typeValue) = try reader.next() {
                        if typeField == 1, case .bytes(let text) = typeValue { apiVersion = string(text) }
                        if typeField == 2, case .bytes(let text) = typeValue { kind = string(text) }
                    }
                case (2, .bytes(let bytes)): raw = bytes
                case (3, .bytes(let encoding)) where !encoding.isEmpty:
                    throw StatusError.unsupportedMediaType(
                        "protobuf content encoding \(string(encoding)) is not supported")
                default: break
                }
            }
            guard let schema = kinds["\(apiVersion)/\(kind)"] else {
                throw StatusError.unsupportedMediaType(
                    "this server reads protobuf only for \(kinds.keys.sorted().joined(separator: ", ")); "
                        + "send \(kind.isEmpty ? "this object" : kind) as application/json")
            }
            var object = try message(raw, schema, path: kind)
            object["apiVersion"] = .string(apiVersion)
            object["kind"] = .string(kind)
            return .object(object)
        } catch let error as ProtobufReader.Malformed {
            throw StatusError.badRequest("malformed protobuf body: \(error.message)")
        } catch let error as StatusError {
            throw error
        } catch {
            throw StatusError.badRequest("malformed protobuf body: \(error)")
        }
    }

    private static func message(_ bytes: ArraySlice<UInt8>, _ schema: [Int: Field], path: String) throws
        -> JSONObject
    {
        var object = JSONObject()
        var reader = ProtobufReader(bytes)
        while let (number, value) = try reader.next() {
            guard let field = schema[number] else {
                throw StatusError.unsupportedMediaType(
                    "protobuf field \(number) of \(path) is not supported by this server; send application/json")
            }
            let fieldPath = "\(path).\(field.name)"
            switch (field.type, value) {
            case (.serverSet, _):
                continue
            // Kubernetes' generated marshallers write every non-pointer field, empty or not; JSON omits
            // empty ones (`omitempty`), and so does this decoder.
            case (.string, .bytes(let text)):
                if !text.isEmpty { object[field.name] = .string(string(text)) }
            case (.bytes, .bytes(let data)):
                object[field.name] = .string(Data(data).base64EncodedString())
            case (.int64, .varint(let number)):
                if number != 0 { object[field.name] = .int(Int(truncatingIfNeeded: Int64(bitPattern: number))) }
            case (.bool, .varint(let number)):
                object[field.name] = .bool(number != 0)
            case (.message(let nested), .bytes(let data)):
                object[field.name] = .object(try message(data, nested, path: fieldPath))
            case (.repeatedString, .bytes(let text)):
                var items = object[field.name]?.arrayValue ?? []
                items.append(.string(string(text)))
                object[field.name] = .array(items)
            case (.stringMap, .bytes(let entry)), (.bytesMap, .bytes(let entry)):
                let (key, entryValue) = try mapEntry(entry)
                var map: JSONObject = [:]
                if case .object(let existing) = object[field.name] { map = existing }
                if case .bytesMap = field.type {
                    map[key] = .string(Data(entryValue).base64EncodedString())
                } else {
                    map[key] = .string(string(entryValue))
                }
                object[field.name] = .object(map)
            default:
                throw StatusError.badRequest("protobuf field \(fieldPath) has the wrong wire type")
            }
        }
        return object
    }

    /// A `map<string, string|bytes>` entry: key 1, value 2.
    private static func mapEntry(_ bytes: ArraySlice<UInt8>) throws -> (String, ArraySlice<UInt8>) {
        var reader = ProtobufReader(bytes)
        var key = ""
        var value: ArraySlice<UInt8> = []
        while let (field, fieldValue) = try reader.next() {
            if field == 1, case .bytes(let text) = fieldValue { key = string(text) }
            if field == 2, case .bytes(let data) = fieldValue { value = data }
        }
        return (key, value)
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
