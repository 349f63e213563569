import Crypto
import JMESPath
import JSONValue

/// Encoding and hashing functions: `base64_decode`, `base64_encode`, `path_canonicalize`, `sha256`, `sha1`,
/// `md5`.
///
/// Go strings may hold any bytes; Swift strings hold Unicode, so decoded bytes that are not valid UTF-8
/// are replaced with U+FFFD (Kyverno would keep the raw bytes).
extension KyvernoFunctions {
    static var encodingFunctions: [JMESPathFunction] {
        [
            function("base64_decode", [.init(.string)], returns: .string, "decodes a base 64 string") {
                arguments throws(JMESPathError) in
                let bytes = try GoBase64.decode(try arguments.string(0))
                return .string(String(decoding: bytes, as: UTF8.self))
            },
            function(
                "base64_encode", [.init(.string)], returns: .string,
                "encodes a regular, plaintext and unencoded string to base64"
            ) {
                arguments throws(JMESPathError) in
                .string(GoBase64.encode(Array(try arguments.string(0).utf8)))
            },
            function(
                "path_canonicalize", [.init(.string)], returns: .string,
                "normalizes or canonicalizes a given path by removing excess slashes"
            ) {
                arguments throws(JMESPathError) in
                let path = try arguments.string(0)
                return .string(path.isEmpty ? "" : GoPath.clean(path))
            },
        ]
    }

    static var hashFunctions: [JMESPathFunction] {
        [
            function(
                "sha256", [.init(.string)], returns: .string,
                "generate unique resources name if length exceeds the limit"
            ) { arguments throws(JMESPathError) in
                .string(hex(SHA256.hash(data: Array(try arguments.string(0).utf8))))
            },
            function("sha1", [.init(.string)], returns: .string, "generate a SHA-1 hash") {
                arguments throws(JMESPathError) in
                .string(hex(Insecure.SHA1.hash(data: Array(try arguments.string(0).utf8))))
            },
            function("md5", [.init(.string)], returns: .string, "generates an MD5 hash") {
                arguments throws(JMESPathError) in
                .string(hex(Insecure.MD5.hash(data: Array(try arguments.string(0).utf8))))
            },
        ]
    }

    /// Lower-case hexadecimal of a digest.
    static func hex(_ digest: some Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in digest {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Go's `base64.StdEncoding` (padded, standard alphabet; the decoder skips `\r` and `\n`).
enum GoBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8: UInt32] = {
        var table: [UInt8: UInt32] = [:]
        for (index, byte) in alphabet.enumerated() { table[byte] = UInt32(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes strictly padded base64.
    /// - Throws: `illegal base64 data at input byte N`, Go's message (not prefixed, as in Kyverno).
    static func decode(_ text: String) throws(JMESPathError) -> [UInt8] {
        let input = Array(text.utf8)
        func illegal(_ offset: Int) -> JMESPathError {
            JMESPathError(.invalidValue, "illegal base64 data at input byte \(offset)")
        }
        var output: [UInt8] = []
        var quantum: [UInt32] = []
        var index = 0
        func nextSignificant(_ from: Int) -> Int {
            var position = from
            while position < input.count, input[position] == 0x0A || input[position] == 0x0D { position += 1 }
            return position
        }
        while true {
            index = nextSignificant(index)
            if index >= input.count { break }
            let byte = input[index]
            if byte == UInt8(ascii: "=") {
                // Padding: only after two or three data characters of a quantum, then the input must end.
                switch quantum.count {
                case 2:
                    let second = nextSignificant(index + 1)
                    guard second < input.count, input[second] == UInt8(ascii: "=") else {
                        throw illegal(second < input.count ? second : input.count)
                    }
                    index = second
                case 3: break
                default: throw illegal(index)
                }
                let end = nextSignificant(index + 1)
                if end < input.count { throw illegal(end) }
                let group = quantum.enumerated().reduce(UInt32(0)) { $0 | $1.element << (18 - 6 * UInt32($1.offset)) }
                output.append(UInt8(group >> 16 & 0xFF))
                if quantum.count == 3 { output.append(UInt8(group >> 8 & 0xFF)) }
                return output
            }
            guard let value = values[byte] else { throw illegal(index) }
            quantum.append(value)
            if quantum.count == 4 {
                let group = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3]
                output.append(UInt8(group >> 16 & 0xFF))
                output.append(UInt8(group >> 8 & 0xFF))
                output.append(UInt8(group & 0xFF))
                quantum.removeAll(keepingCapacity: true)
            }
            index += 1
        }
        if !quantum.isEmpty { throw illegal(input.count) }
        return output
    }
}

/// Go's `path/filepath.Clean` on a Unix system.
enum GoPath {
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(segment)
                }
            default: parts.append(segment)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
