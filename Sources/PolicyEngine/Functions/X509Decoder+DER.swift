import JSONValue
import KubeValues
import SwiftASN1

/// DER helpers for ``X509Decoder``: every failure becomes an `X509Decoder.Failure`, never a trap.
extension X509Decoder {
    struct ParsedExtension {
        var id: [Int]
        var critical: Bool
        var value: [UInt8]

        var json: JSONValue {
            ["Id": .array(id.map { .int($0) }), "Critical": .bool(critical), "Value": X509Decoder.base64(value[...])]
        }
    }

    struct SubjectAlternativeNames {
        var dnsNames: [JSONValue] = []
        var emailAddresses: [JSONValue] = []
        var ipAddresses: [JSONValue] = []
        var uris: [JSONValue] = []

        func write(into object: inout JSONObject) {
            object["DNSNames"] = X509Decoder.orNull(dnsNames)
            object["EmailAddresses"] = X509Decoder.orNull(emailAddresses)
            object["IPAddresses"] = X509Decoder.orNull(ipAddresses)
            object["URIs"] = X509Decoder.orNull(uris)
        }
    }

    static let extKeyUsages: [[Int]: Int] = [
        [2, 5, 29, 37, 0]: 0, [1, 3, 6, 1, 5, 5, 7, 3, 1]: 1, [1, 3, 6, 1, 5, 5, 7, 3, 2]: 2,
        [1, 3, 6, 1, 5, 5, 7, 3, 3]: 3, [1, 3, 6, 1, 5, 5, 7, 3, 4]: 4, [1, 3, 6, 1, 5, 5, 7, 3, 5]: 5,
        [1, 3, 6, 1, 5, 5, 7, 3, 6]: 6, [1, 3, 6, 1, 5, 5, 7, 3, 7]: 7, [1, 3, 6, 1, 5, 5, 7, 3, 8]: 8,
        [1, 3, 6, 1, 5, 5, 7, 3, 9]: 9, [1, 3, 6, 1, 4, 1, 311, 10, 3, 3]: 10, [2, 16, 840, 1, 113_730, 4, 1]: 11,
        [1, 3, 6, 1, 4, 1, 311, 2, 1, 22]: 12, [1, 3, 6, 1, 4, 1, 311, 61, 1, 1]: 13,
    ]

    /// Go's `x509.SignatureAlgorithm` numbers.
    static let signatureAlgorithms: [[Int]: Int] = [
        [1, 2, 840, 113_549, 1, 1, 2]: 1, [1, 2, 840, 113_549, 1, 1, 4]: 2, [1, 2, 840, 113_549, 1, 1, 5]: 3,
        [1, 2, 840, 113_549, 1, 1, 11]: 4, [1, 2, 840, 113_549, 1, 1, 12]: 5, [1, 2, 840, 113_549, 1, 1, 13]: 6,
        [1, 2, 840, 10040, 4, 3]: 7, [2, 16, 840, 1, 101, 3, 4, 3, 2]: 8, [1, 2, 840, 10045, 4, 1]: 9,
        [1, 2, 840, 10045, 4, 3, 2]: 10, [1, 2, 840, 10045, 4, 3, 3]: 11, [1, 2, 840, 10045, 4, 3, 4]: 12,
        [1, 3, 101, 112]: 16,
    ]

    static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> ASN1Node {
        do {
            return try DER.parse(Array(bytes))
        } catch {
            throw Failure(message: "x509: malformed DER: \(error)")
        }
    }

    static func children(_ node: ASN1Node, count: Int? = nil) throws(Failure) -> [ASN1Node] {
        guard case .constructed(let collection) = node.content else {
            throw Failure(message: "x509: expected a constructed ASN.1 value")
        }
        let nodes = Array(collection)
        if let count, nodes.count < count { throw Failure(message: "x509: truncated ASN.1 sequence") }
        return nodes
    }

    static func primitive(_ node: ASN1Node) throws(Failure) -> ArraySlice<UInt8> {
        guard case .primitive(let bytes) = node.content else {
            throw Failure(message: "x509: expected a primitive ASN.1 value")
        }
        return bytes
    }

    static func integer(_ node: ASN1Node) throws(Failure) -> Int {
        let bytes = try primitive(node)
        guard !bytes.isEmpty, bytes.count <= 8 else { throw Failure(message: "x509: integer too large") }
        var value = Int(Int8(bitPattern: bytes[bytes.startIndex]))
        for byte in bytes.dropFirst() { value = value << 8 | Int(byte) }
        return value
    }

    /// A DER INTEGER of any size as a JSON number (exact when it fits 64 bits, as Go's `big.Int` → JSON →
    /// `float64` otherwise).
    static func bigInteger(_ node: ASN1Node) throws(Failure) -> JSONValue {
        let bytes = try primitive(node)
        if bytes.count <= 8 { return .int(try integer(node)) }
        let decimal = decimalString(bytes)
        return .double(Double(decimal) ?? 0)
    }

    /// The decimal text of an unsigned big-endian integer (a negative DER integer gets a `-`).
    static func decimalString(_ bytes: ArraySlice<UInt8>) -> String {
        var magnitude = Array(bytes)
        let negative = (magnitude.first ?? 0) & 0x80 != 0
        if negative {
            // Two's complement: invert and add one.
            magnitude = magnitude.map { ~$0 }
            var index = magnitude.count - 1
            while index >= 0 {
                let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
                magnitude[index] = sum
                if !overflow { break }
                index -= 1
            }
        }
        var value = BigMagnitude()
        for byte in magnitude {
            value.multiply(by: 256)
            value.add(UInt32(byte))
        }
        if value.isZero { return "0" }
        var groups: [UInt32] = []
        while !value.isZero { groups.append(value.divide(by: 1_000_000_000)) }
        var text = String(groups.removeLast())
        for group in groups.reversed() {
            let digits = String(group)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return negative ? "-" + text : text
    }

    static func objectIdentifier(_ node: ASN1Node) throws(Failure) -> [Int] {
        do {
            return try ASN1ObjectIdentifier(derEncoded: node).oidComponents.map { Int($0) }
        } catch {
            throw Failure(message: "x509: malformed object identifier")
        }
    }

    static func bitStringWithUnused(_ node: ASN1Node) throws(Failure) -> (bytes: ArraySlice<UInt8>, unused: Int) {
        let bytes = try primitive(node)
        guard let unused = bytes.first else { throw Failure(message: "x509: malformed bit string") }
        return (bytes.dropFirst(), Int(unused))
    }

    static func bitString(_ node: ASN1Node) throws(Failure) -> ArraySlice<UInt8> {
        try bitStringWithUnused(node).bytes
    }

    /// Bit `index` counted from the most significant bit of the first byte (Go's `BitString.At`).
    static func bit(_ bytes: ArraySlice<UInt8>, _ index: Int) -> Bool {
        let byteIndex = bytes.startIndex + index / 8
        guard byteIndex < bytes.endIndex else { return false }
        return bytes[byteIndex] >> (7 - UInt8(index % 8)) & 1 == 1
    }

    static func octets(_ node: ASN1Node) throws(Failure) -> ArraySlice<UInt8> {
        try primitive(node)
    }

    static func base64(_ bytes: ArraySlice<UInt8>) -> JSONValue {
        .string(GoBase64.encode(Array(bytes)))
    }

    static func orNull(_ values: [JSONValue]) -> JSONValue {
        values.isEmpty ? .null : .array(values)
    }

    static func signatureAlgorithm(_ node: ASN1Node) throws(Failure) -> Int {
        let parts = try children(node, count: 1)
        let oid = try objectIdentifier(parts[0])
        if oid == [1, 2, 840, 113_549, 1, 1, 10] {
            // RSASSA-PSS: the hash in the parameters picks SHA256/384/512WithRSAPSS.
            let text = parts.count > 1 ? Array(parts[1].encodedBytes) : []
            let sha384: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02]
            let sha512: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]
            if text.firstRange(of: sha512) != nil { return 15 }
            if text.firstRange(of: sha384) != nil { return 14 }
            return 13
        }
        return signatureAlgorithms[oid] ?? 0
    }

    /// The public key algorithm and, for RSA, `{N, E}`; other algorithms are rejected as in Kyverno.
    static func publicKey(_ spki: ASN1Node) throws(Failure) -> (Int, JSONValue) {
        let parts = try children(spki, count: 2)
        let algorithm = try objectIdentifier(try children(parts[0], count: 1)[0])
        guard algorithm == [1, 2, 840, 113_549, 1, 1, 1] else {
            throw Failure(message: "certificate should use rsa algorithm")
        }
        let key = try children(try parse(try bitString(parts[1])), count: 2)
        let modulus = decimalString(try primitive(key[0]))
        return (1, ["N": .string(modulus), "E": .int(try integer(key[1]))])
    }

    /// Go's `pkix.Name` from an RDN sequence.
    static func name(_ node: ASN1Node) throws(Failure) -> JSONValue {
        var lists: [String: [JSONValue]] = [:]
        var serialNumber = ""
        var commonName = ""
        var names: [JSONValue] = []
        let keys: [[Int]: String] = [
            [2, 5, 4, 6]: "Country", [2, 5, 4, 10]: "Organization", [2, 5, 4, 11]: "OrganizationalUnit",
            [2, 5, 4, 7]: "Locality", [2, 5, 4, 8]: "Province", [2, 5, 4, 9]: "StreetAddress",
            [2, 5, 4, 17]: "PostalCode",
        ]
        for set in try children(node) {
            for attribute in try children(set) {
                let parts = try children(attribute, count: 2)
                let oid = try objectIdentifier(parts[0])
                let value = try string(parts[1])
                names.append(["Type": .array(oid.map { .int($0) }), "Value": .string(value)])
                if let key = keys[oid] {
                    lists[key, default: []].append(.string(value))
                } else if oid == [2, 5, 4, 3] {
                    commonName = value
                } else if oid == [2, 5, 4, 5] {
                    serialNumber = value
                }
            }
        }
        var object = JSONObject()
        for key in [
            "Country", "Organization", "OrganizationalUnit", "Locality", "Province", "StreetAddress", "PostalCode",
        ] {
            object[key] = orNull(lists[key] ?? [])
        }
        object["SerialNumber"] = .string(serialNumber)
        object["CommonName"] = .string(commonName)
        object["Names"] = orNull(names)
        object["ExtraNames"] = .null
        return .object(object)
    }

    /// An ASN.1 string value (UTF-8, printable, IA5, T61, BMP, universal) as text.
    static func string(_ node: ASN1Node) throws(Failure) -> String {
        let bytes = try primitive(node)
        switch node.identifier {
        case .bmpString:
            var units: [UInt16] = []
            var index = bytes.startIndex
            while index + 1 < bytes.endIndex {
                units.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        case .universalString:
            var scalars = String.UnicodeScalarView()
            var index = bytes.startIndex
            while index + 3 < bytes.endIndex {
                let value = bytes[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                index += 4
            }
            return String(scalars)
        case .teletexString:
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `YYMMDDHHMMSSZ` or `YYYYMMDDHHMMSSZ` as RFC 3339 (Go's time JSON).
    static func time(_ node: ASN1Node) throws(Failure) -> String {
        var text = String(decoding: try primitive(node), as: UTF8.self)
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        if node.identifier == .utcTime {
            // RFC 5280: two-digit years 50–99 are 19xx, 00–49 are 20xx.
            guard digits.count == 12, let year = Int(digits.prefix(2)) else {
                throw Failure(message: "x509: malformed validity time")
            }
            text = (year >= 50 ? "19" : "20") + text
        } else if digits.count != 14 {
            throw Failure(message: "x509: malformed validity time")
        }
        do {
            return try GoTime(parsing: text, layout: "20060102150405Z0700").utc.rfc3339
        } catch {
            throw Failure(message: "x509: malformed validity time")
        }
    }

    static func parseExtension(_ node: ASN1Node) throws(Failure) -> ParsedExtension {
        let parts = try children(node, count: 2)
        let id = try objectIdentifier(parts[0])
        var critical = false
        var valueNode = parts[1]
        if parts[1].identifier == .boolean {
            critical = try primitive(parts[1]).first.map { $0 != 0 } ?? false
            guard parts.count > 2 else { throw Failure(message: "x509: malformed extension") }
            valueNode = parts[2]
        }
        return ParsedExtension(id: id, critical: critical, value: Array(try octets(valueNode)))
    }

    static func subjectAlternativeNames(_ value: [UInt8]) throws(Failure) -> SubjectAlternativeNames {
        var names = SubjectAlternativeNames()
        for general in try children(try parse(value)) where general.identifier.tagClass == .contextSpecific {
            guard case .primitive(let bytes) = general.content else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            switch general.identifier.tagNumber {
            case 1: names.emailAddresses.append(.string(text))
            case 2: names.dnsNames.append(.string(text))
            case 6: names.uris.append(uri(text))
            case 7:
                let octets = Array(bytes)
                if octets.count == 4 {
                    names.ipAddresses.append(.string(octets.map(String.init).joined(separator: ".")))
                } else if octets.count == 16 {
                    var groups: [String] = []
                    for index in stride(from: 0, to: 16, by: 2) {
                        groups.append(String(UInt16(octets[index]) << 8 | UInt16(octets[index + 1]), radix: 16))
                    }
                    names.ipAddresses.append(.string(groups.joined(separator: ":")))
                }
            default: break
            }
        }
        return names
    }

    /// Go's `url.URL` JSON for a URI name (scheme, host, path, query, fragment).
    static func uri(_ text: String) -> JSONValue {
        var rest = Substring(text)
        var scheme = ""
        if let colon = rest.firstIndex(of: ":") {
            scheme = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query = ""
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        var host = ""
        var opaque = ""
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            host = String(rest[..<end])
            rest = rest[end...]
        } else if !rest.hasPrefix("/") {
            opaque = String(rest)
            rest = ""
        }
        return [
            "Scheme": .string(scheme), "Opaque": .string(opaque), "User": .null, "Host": .string(host),
            "Path": .string(String(rest)), "RawPath": "", "OmitHost": false, "ForceQuery": false,
            "RawQuery": .string(query), "Fragment": .string(fragment), "RawFragment": "",
        ]
    }
}

/// The first PEM block in a text, as Go's `pem.Decode` finds it.
enum PEMBlock {
    static func first(in text: String) -> (type: String, der: [UInt8])? {
        guard let begin = text.firstRange(of: "-----BEGIN ") else { return nil }
        let afterBegin = text[begin.upperBound...]
        guard let typeEnd = afterBegin.firstRange(of: "-----") else { return nil }
        let type = String(afterBegin[..<typeEnd.lowerBound])
        let body = afterBegin[typeEnd.upperBound...]
        guard let end = body.firstRange(of: "-----END \(type)-----") else { return nil }
        var base64 = ""
        for line in body[..<end.lowerBound].split(whereSeparator: \.isNewline) where !line.contains(":") {
            base64 += line.filter { !$0.isWhitespace }
        }
        do {
            return (type, try GoBase64.decode(base64))
        } catch {
            return nil
        }
    }
}
