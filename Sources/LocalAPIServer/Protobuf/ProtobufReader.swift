/// Reads the protocol buffers wire format (varints, fixed-width and length-delimited fields) from bytes.
///
/// Hand-written because the server only needs to read a few Kubernetes messages from `kubectl create`
/// (see ``KubernetesProtobuf``) and a generated-code dependency would be far larger than this.
struct ProtobufReader {
    /// One field's key and payload.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    struct Malformed: Error {
        var message: String
    }

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    /// The next field number and value; `nil` at the end.
    /// - Throws: ``Malformed`` for truncated input, an overlong varint or an unsupported wire type.
    mutating func next() throws(Malformed) -> (field: Int, value: Value)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        guard field > 0, field < 1 << 29 else { throw Malformed(message: "invalid field number \(field)") }
        switch key & 7 {
        case 0:
            return (field, .varint(try varint()))
        case 1:
            return (field, .fixed64(UInt64(littleEndianBytes: try take(8))))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - index) else {
                throw Malformed(message: "field \(field) is longer than the message")
            }
            return (field, .bytes(try take(Int(length))))
        case 5:
            return (field, .fixed32(UInt32(truncatingIfNeeded: UInt64(littleEndianBytes: try take(4)))))
        default:
            throw Malformed(message: "unsupported wire type \(key & 7) for field \(field)")
        }
    }

    private mutating func varint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            guard shift < 64 else { throw Malformed(message: "varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw Malformed(message: "truncated varint")
    }

    private mutating func take(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> {
        guard count <= bytes.endIndex - index else { throw Malformed(message: "truncated field") }
        defer { index += count }
        return bytes[index..<(index + count)]
    }
}

extension UInt64 {
    fileprivate init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        var value: UInt64 = 0
        for (offset, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(offset)) }
        self = value
    }
}
