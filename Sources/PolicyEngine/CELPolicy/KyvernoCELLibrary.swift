public import CEL
import ContainerImages
import Crypto
import Foundation
import JSONValue
import OrderedCollections
import YAML

/// Kyverno's CEL libraries that need no external data (`github.com/kyverno/sdk/extensions/cel/libs`):
/// `image` (reference parsing), `user`, `hash`, `json`, `yaml`, `math.round`, `time`, `transform`, `gzip`,
/// `random`, `x509`. Both the
/// original names (`sha256`, `parseServiceAccount`, `listObjToMap`) and the 1.18 prefixed ones
/// (`hash.sha256`, `user.parseServiceAccount`, `transform.listObjToMap`) are registered.
///
/// `json` and `yaml` are variables in Kyverno (`json.unmarshal(s)`, `yaml.parse(s)`); this library registers
/// the receiver functions, and ``KyvernoCELEnvironment`` declares the variables.
public struct KyvernoCELLibrary: CELLibrary {
    public init() {}

    /// `json.unmarshal(text)` or `yaml.parse(text)`: the receiver function `name` of the variable of type `marker`
    /// that decodes its string argument with `decode` (`format` names it in errors).
    private static func decoding(
        _ name: String, _ marker: String, _ argument: CELKind, _ format: String,
        _ decode: @escaping @Sendable (String) throws -> JSONValue
    ) -> CELOverload {
        .binary(name, receiver: true, .opaque(marker), argument) { _, text in
            guard case .string(let text) = text else { return .error(CELError("no such overload: \(name)")) }
            do {
                return CELValue(json: try decode(text))
            } catch {
                return .error(CELError("failed to decode \(format): \(error)"))
            }
        }
    }

    public func register(into registry: inout CELFunctionRegistry) {
        registerImage(into: &registry)
        registerHashes(into: &registry)
        registerEncodings(into: &registry)
        for name in ["parseServiceAccount", "user.parseServiceAccount"] {
            registry.add(.unary(name, .string) { value in Self.serviceAccount(value) })
        }
        registry.add(Self.decoding("unmarshal", CELMarker.jsonType, .any, "json") { try JSONValue.parse($0) })
        registry.add(
            .binary("marshal", receiver: true, .opaque(CELMarker.jsonType), .any) { _, value in
                guard let json = value.json else { return .error(CELError("failed to encode json")) }
                return .string(json.serialized())
            })
        registry.add(Self.decoding("parse", CELMarker.yamlType, .string, "yaml") { try YAML.loadSingle($0) })
        registry.add(
            .binary("math.round", .double, .int) { value, digits in
                guard case .double(let number) = value, case .int(let places) = digits else {
                    return .error(CELError("no such overload: math.round"))
                }
                guard places >= 0 else { return .error(CELError("math.round: precision must be non-negative")) }
                let scale = Foundation.pow(10.0, Double(places))
                return .double((number * scale).rounded(.toNearestOrAwayFromZero) / scale)
            })
        registry.add(
            CELOverload(
                "time.now", [],
                body: .variadic { _ in
                    let now = Date().timeIntervalSince1970
                    let seconds = Foundation.floor(now)
                    let nanos = Int32(((now - seconds) * 1e9).rounded(.down))
                    return CELTimestamp(seconds: Int64(seconds), nanos: nanos).map { .timestamp($0) } ?? .null
                }))
        for name in ["listObjToMap", "transform.listObjToMap"] {
            registry.add(
                CELOverload(
                    name, [.list, .list, .string, .string],
                    body: .variadic { arguments in Self.listObjectsToMap(arguments) }))
        }
    }

    /// `gzip.compress(dyn) -> bytes`, `gzip.decompress(bytes) -> string`, `random()` / `random(pattern)`
    /// (and `random.random`), `x509.decode(pem) -> dyn`.
    private func registerEncodings(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("gzip.decompress", .bytes) { value in
                guard case .bytes(let data) = value else {
                    return .error(CELError("no such overload: gzip.decompress"))
                }
                do throws(Gzip.Failure) {
                    return .string(String(decoding: try Gzip.decompress(data), as: UTF8.self))
                } catch {
                    return .error(CELError(error.description))
                }
            })
        registry.add(
            .unary("gzip.compress", .any) { value in
                // Go converts the argument to a native string: strings only.
                guard case .string(let text) = value else {
                    return .error(CELError("type conversion error to 'string'"))
                }
                do throws(Gzip.Failure) {
                    return .bytes(try Gzip.compress(Array(text.utf8)))
                } catch {
                    return .error(CELError(error.description))
                }
            })
        for name in ["random", "random.random"] {
            registry.add(CELOverload(name, [], body: .variadic { _ in Self.random("[0-9a-z]{8}") }))
            registry.add(
                .unary(name, .string) { value in
                    guard case .string(let pattern) = value else { return .error(CELError("no such overload: random")) }
                    return Self.random(pattern)
                })
        }
        registry.add(
            .unary("x509.decode", .string) { value in
                guard case .string(let text) = value else { return .error(CELError("no such overload: x509.decode")) }
                do throws(X509Decoder.Failure) {
                    return CELValue(json: try X509Decoder.decodeForCEL(pem: text))
                } catch {
                    return .error(CELError(error.message))
                }
            })
    }

    /// A random string matching the Go regular expression `pattern` (goregen, as Kyverno).
    static func random(_ pattern: String) -> CELValue {
        do {
            return .string(try RegexGenerator(pattern).generate())
        } catch {
            return .error(CELError("\(error)"))
        }
    }

    private func registerImage(into registry: inout CELFunctionRegistry) {
        for name in ["image", "parseImageReference"] {
            registry.add(
                .unary(name, .string) { value in
                    guard case .string(let text) = value else { return .error(CELError("no such overload: image")) }
                    do {
                        return .opaque(CELImage(reference: try RegistryReference(parsing: text)))
                    } catch {
                        return .error(CELError("\(error)"))
                    }
                })
        }
        registry.addType(CELImage.typeName)
        registry.add(
            .unary("isImage", .string) { value in
                guard case .string(let text) = value else { return .error(CELError("no such overload: isImage")) }
                return .bool((try? RegistryReference(parsing: text)) != nil)
            })
        let accessors: [(String, @Sendable (RegistryReference) -> CELValue)] = [
            ("containsDigest", { .bool(!$0.digest.isEmpty) }),
            ("registry", { .string($0.registry) }),
            ("repository", { .string($0.repository) }),
            ("identifier", { .string($0.identifier) }),
            ("tag", { .string($0.tag) }),
            ("digest", { .string($0.digest) }),
        ]
        for (name, accessor) in accessors {
            registry.add(
                .unary(name, receiver: true, .opaque(CELImage.typeName)) { value in
                    guard case .opaque(let opaque) = value, let image = opaque as? CELImage else {
                        return .error(CELError("no such overload: \(name)"))
                    }
                    return accessor(image.reference)
                })
        }
    }

    private func registerHashes(into registry: inout CELFunctionRegistry) {
        let functions: [(String, @Sendable ([UInt8]) -> String)] = [
            ("sha1", { Self.hex(Insecure.SHA1.hash(data: $0)) }),
            ("sha256", { Self.hex(SHA256.hash(data: $0)) }),
            ("md5", { Self.hex(Insecure.MD5.hash(data: $0)) }),
        ]
        for (name, hash) in functions {
            for spelling in [name, "hash." + name] {
                registry.add(
                    .unary(spelling, .string) { value in
                        guard case .string(let text) = value else {
                            return .error(CELError("no such overload: \(name)"))
                        }
                        return .string(hash(Array(text.utf8)))
                    })
            }
        }
    }

    static func hex(_ digest: some Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// `system:serviceaccount:<namespace>:<name>` into `{Namespace, Name}` (Kyverno's `user.ServiceAccount`);
    /// empty strings for other users.
    static func serviceAccount(_ value: CELValue) -> CELValue {
        guard case .string(var user) = value else { return .error(CELError("no such overload: parseServiceAccount")) }
        var namespace = ""
        var name = ""
        let prefix = "system:serviceaccount:"
        if user.hasPrefix(prefix) {
            user.removeFirst(prefix.count)
            if let separator = user.firstIndex(of: ":") {
                namespace = String(user[..<separator])
                name = String(user[user.index(after: separator)...])
            }
        }
        // A Go struct without CEL tags: its fields keep their Go names.
        return .map(CELMap([.string("Namespace"): .string(namespace), .string("Name"): .string(name)]))
    }

    /// `listObjToMap(keys, values, keyField, valueField)`: a map from `keys[i][keyField]` to
    /// `values[i][valueField]`.
    static func listObjectsToMap(_ arguments: [CELValue]) -> CELValue {
        guard case .list(let keys) = arguments[0], case .list(let values) = arguments[1],
            case .string(let keyField) = arguments[2], case .string(let valueField) = arguments[3]
        else { return .error(CELError("no such overload: listObjToMap")) }
        guard keys.count == values.count else {
            return .error(
                CELError(
                    "listObjToMap must take lists of equal length. list1: \(keys.count), list2: \(values.count)"))
        }
        var result = OrderedDictionary<CELMapKey, CELValue>()
        for index in 0..<keys.count {
            guard case .map(let keyObject) = keys[index], case .string(let key)? = keyObject[field: keyField] else {
                return .error(CELError("the passed key name cannot be handled as a string in the key object list"))
            }
            guard case .map(let valueObject) = values[index] else {
                return .error(CELError("object cannot be handled as a map string to any in the value object list"))
            }
            result[.string(key)] = valueObject[field: valueField] ?? .null
        }
        return .map(CELMap(result))
    }
}

/// Type names of the marker variables `json` and `yaml`.
enum CELMarker: CELOpaqueValue {
    case json, yaml

    static let jsonType = "json.Json"
    static let yamlType = "yaml.Yaml"

    var celTypeName: String { self == .json ? Self.jsonType : Self.yamlType }
    func isEqual(to other: any CELOpaqueValue) -> Bool { (other as? CELMarker) == self }
    var description: String { celTypeName }
}

/// An image reference value (`image('nginx')`), parsed as go-containerregistry's `name.ParseReference` does.
struct CELImage: CELOpaqueValue {
    static let typeName = "kyverno.image"
    let reference: RegistryReference

    var celTypeName: String { Self.typeName }
    func isEqual(to other: any CELOpaqueValue) -> Bool { (other as? CELImage)?.reference == reference }
    var description: String { reference.description }
}
