import JSONValue
import Testing

@testable import LocalAPIServer

/// Protobuf bodies as kubectl 1.32 sends them for `kubectl create namespace|configmap|secret|serviceaccount`
/// (captured from the real kubectl).
@Suite("Kubernetes protobuf request bodies")
struct ProtobufTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    static let namespace = bytes(
        "6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d7812001a0022002a003200380042001200"
            + "1a020a001a002200")
    static let configMap = bytes(
        "6b3873000a0f0a0276311209436f6e6669674d617012310a130a03636d3112001a0022002a0032003800420012060a0161"
            + "120162120a0a0362696e1203766d0a12060a01631201641a002200")
    static let secret = bytes(
        "6b3873000a0c0a0276311206536563726574122b0a120a02733112001a0022002a00320038004200120d0a027077120768"
            + "756e746572321a064f70617175651a002200")
    static let serviceAccount = bytes(
        "6b3873000a140a027631120e536572766963654163636f756e7412150a130a0373613112001a0022002a00320038004200"
            + "1a002200")

    @Test func kubectlCreateBodiesDecodeToTheJSONKubectlWouldSend() throws {
        #expect(
            try KubernetesProtobuf.decode(Self.namespace)
                == [
                    "metadata": ["name": "team-x"], "spec": [:], "status": [:], "apiVersion": "v1", "kind": "Namespace",
                ])
        #expect(
            try KubernetesProtobuf.decode(Self.configMap)
                == [
                    "metadata": ["name": "cm1"], "data": ["a": "b", "bin": "vm\n", "c": "d"], "apiVersion": "v1",
                    "kind": "ConfigMap",
                ])
        let secret = try KubernetesProtobuf.decode(Self.secret)
        #expect(secret[path: "data", "pw"] == "aHVudGVyMg==", "bytes are base64 in JSON")
        #expect(secret["type"] == "Opaque")
        #expect(try KubernetesProtobuf.decode(Self.serviceAccount)[path: "metadata", "name"] == "sa1")
    }

    @Test func malformedOrUnsupportedBodiesAreTypedStatusErrors() {
        for cut in [5, 10, 20, Self.configMap.count - 3] {
            #expect(throws: StatusError.self, "cut at \(cut)") {
                _ = try KubernetesProtobuf.decode(Array(Self.configMap.prefix(cut)))
            }
        }
        #expect { _ = try KubernetesProtobuf.decode(Array("{}".utf8)) } throws: { ($0 as? StatusError)?.code == 400 }
        // A Pod is not read from protobuf: 415 naming what to send instead.
        let pod =
            KubernetesProtobuf.magic + [0x0A, 0x09, 0x0A, 0x02] + Array("v1".utf8) + [0x12, 0x03] + Array("Pod".utf8)
            + [0x12, 0x00]
        #expect { _ = try KubernetesProtobuf.decode(pod) } throws: { error in
            let error = error as? StatusError
            return error?.code == 415 && error?.status["message"]?.stringValue?.contains("application/json") == true
        }
        // An unknown field (99) inside metadata: 415, never silently dropped.
        let unknownField =
            Self.bytes("6b3873000a0f0a0276311209436f6e6669674d61701206") + [0x0A, 0x04, 0x98, 0x06, 0x01, 0x00]
        #expect { _ = try KubernetesProtobuf.decode(unknownField) } throws: { ($0 as? StatusError)?.code == 415 }
    }

    @Test func corruptLengthsAndWireTypesNeverTrap() {
        // A length past the end, an overlong varint, wire types 3 and 4 (groups).
        for tail: [UInt8] in [
            [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x12] + Array(repeating: 0xFF, count: 12), [0x0B], [0x0C],
        ] {
            #expect(throws: StatusError.self) { _ = try KubernetesProtobuf.decode(KubernetesProtobuf.magic + tail) }
        }
    }
}
