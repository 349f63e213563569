import JSONValue

/// A minimal PEM reader used to check certificate and key data early, so that a kubeconfig with a
/// broken certificate fails at load time with the field that holds it, not later inside TLS.
public enum PEM {
    /// One `-----BEGIN <label>-----` … `-----END <label>-----` block.
    public struct Block: Sendable, Hashable {
        public var label: String
        /// The decoded DER bytes.
        public var der: [UInt8]
    }

    /// Why data is not PEM.
    public struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads every PEM block in `data`; text between blocks is ignored, as OpenSSL does.
    /// - Throws: ``Error`` when there is no block, a block is unterminated, its labels differ, or its
    ///   body is not base64.
    public static func blocks(in data: [UInt8]) throws(Error) -> [Block] {
        let text = String(decoding: data, as: UTF8.self)
        var blocks: [Block] = []
        var label: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = String(rawLine).trimmingWhitespace()
            if let open = enclosedLabel(line, prefix: "-----BEGIN ") {
                guard label == nil else { throw Error(message: "BEGIN \(open) inside an unterminated block") }
                label = open
                body = ""
            } else if let close = enclosedLabel(line, prefix: "-----END ") {
                guard let current = label else { throw Error(message: "END \(close) without BEGIN") }
                guard current == close else { throw Error(message: "BEGIN \(current) ended by END \(close)") }
                guard let der = Base64.decode(body), !der.isEmpty else {
                    throw Error(message: "the \(current) block is not valid base64")
                }
                blocks.append(Block(label: current, der: der))
                label = nil
            } else if label != nil, !line.contains(":") {
                // Skip RFC 1421 headers (`Proc-Type: ...`) inside legacy encrypted keys.
                body += line
            }
        }
        if let label { throw Error(message: "the \(label) block has no END line") }
        guard !blocks.isEmpty else { throw Error(message: "no PEM block found") }
        return blocks
    }

    /// Checks that `data` holds at least one certificate.
    public static func validateCertificates(_ data: [UInt8]) throws(Error) {
        let labels = try blocks(in: data).map(\.label)
        guard labels.contains("CERTIFICATE") else {
            throw Error(message: "expected a CERTIFICATE block, found \(labels.joined(separator: ", "))")
        }
    }

    /// Checks that `data` holds a private key (PKCS#8, RSA or EC).
    public static func validatePrivateKey(_ data: [UInt8]) throws(Error) {
        let labels = try blocks(in: data).map(\.label)
        guard labels.contains(where: { $0 == "PRIVATE KEY" || $0.hasSuffix(" PRIVATE KEY") }) else {
            throw Error(message: "expected a PRIVATE KEY block, found \(labels.joined(separator: ", "))")
        }
    }

    private static func enclosedLabel(_ line: String, prefix: String) -> String? {
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count >= prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }
}

/// Standard base64 (RFC 4648) as used in kubeconfig `*-data` fields, tolerating whitespace.
enum Base64 {
    private static let table: [UInt8: UInt8] = {
        var table: [UInt8: UInt8] = [:]
        for (index, byte) in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
            .enumerated()
        {
            table[byte] = UInt8(index)
        }
        return table
    }()

    /// Decodes base64, or returns `nil` when the text is not base64.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "="): padding += 1
            default:
                guard padding == 0, let value = table[byte] else { return nil }
                values.append(value)
            }
        }
        guard padding <= 2, (values.count + padding) % 4 == 0 || padding == 0 else { return nil }
        guard values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 1 < values.count {
            let a = values[index]
            let b = values[index + 1]
            output.append(a << 2 | b >> 4)
            if index + 2 < values.count {
                let c = values[index + 2]
                output.append((b & 0x0F) << 4 | c >> 2)
                if index + 3 < values.count {
                    output.append((c & 0x03) << 6 | values[index + 3])
                }
            }
            index += 4
        }
        return output
    }

    /// Encodes bytes as padded base64.
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let a = bytes[index]
            let b = index + 1 < bytes.count ? bytes[index + 1] : 0
            let c = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(a >> 2)])
            output.append(alphabet[Int((a & 0x03) << 4 | b >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b & 0x0F) << 2 | c >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(c & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
