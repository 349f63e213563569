import Crypto
import OrderedCollections

extension JSONValue {
    /// This value with every whole double that fits in 64 bits turned into an integer, so that values
    /// that are equal (`1 == 1.0`) have one canonical form.
    public var canonicalized: JSONValue {
        switch self {
        case .double(let number):
            if let exact = Int(exactly: number) { return .int(exact) }
            return self
        case .array(let values):
            return .array(values.map(\.canonicalized))
        case .object(let object):
            var result = JSONObject(minimumCapacity: object.count)
            for (key, value) in object { result[key] = value.canonicalized }
            return .object(result)
        default:
            return self
        }
    }

    /// The canonical serialization: compact, keys sorted byte-wise, whole doubles written as integers.
    /// Equal values (in the sense of `==`) have identical canonical bytes.
    public var canonicalBytes: [UInt8] {
        canonicalized.serializedBytes(options: JSONSerializationOptions(sortedKeys: true))
    }

    /// The SHA-256 digest of ``canonicalBytes``, as 64 lowercase hex characters.
    ///
    /// Used to detect changed objects and changed reports: equal documents, whatever their key order,
    /// have the same hash.
    public var contentHash: String {
        let digest = SHA256.hash(data: canonicalBytes)
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
