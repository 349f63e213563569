import JMESPath
import JSONValue
import SwiftASN1
import X509

/// Decodes a PEM certificate or certificate request into the JSON Go's `encoding/json` writes for
/// `x509.Certificate` / `x509.CertificateRequest`, as Kyverno's `x509_decode` returns it.
///
/// swift-certificates validates the structure; the JSON fields (Go's names, `[]byte` as base64, OIDs as
/// integer arrays, `big.Int` as numbers, times as RFC 3339, nil slices as `null`) are built from the DER
/// tree so that raw fields keep the exact encoded bytes. Only RSA keys are accepted, as in Kyverno; the
/// public key is `{N: "<decimal>", E: <int>}`. Name constraints and policy mappings keep Go's zero
/// values (not decoded).
enum X509Decoder {
    struct Failure: Error, CustomStringConvertible {
        var message: String

        var description: String { message }
    }

    static func decode(pem text: String) throws(Failure) -> JSONValue {
        guard let (type, der) = PEMBlock.first(in: text) else { throw Failure(message: "failed to decode PEM block") }
        switch type {
        // swift-certificates checks the structure as strictly as Go's parser; its reasons are Go's one message.
        case "CERTIFICATE":
            guard (try? Certificate(derEncoded: der)) != nil else {
                throw Failure(message: "x509: malformed certificate")
            }
            return try certificate(der)
        case "CERTIFICATE REQUEST":
            guard (try? CertificateSigningRequest(derEncoded: der)) != nil else {
                throw Failure(message: "x509: malformed certificate request")
            }
            return try certificateRequest(der)
        default:
            throw Failure(message: "PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST")
        }
    }

    /// The fields of Kyverno's CEL `x509.decode` for a certificate (its `CertificateOutput`); a
    /// certificate request is the whole `x509.CertificateRequest`, as for `x509_decode`.
    static let celCertificateFields: Set<String> = [
        "Raw", "RawTBSCertificate", "RawSubjectPublicKeyInfo", "RawSubject", "RawIssuer", "Signature",
        "PublicKeyAlgorithm", "PublicKey", "SerialNumber", "Issuer", "NotBefore", "NotAfter", "KeyUsage", "Extensions",
        "ExtraExtensions", "ExtKeyUsage", "BasicConstraintsValid", "IsCA", "MaxPathLen", "MaxPathLenZero",
        "AuthorityKeyId", "OCSPServer", "IssuingCertificateURL", "DNSNames", "EmailAddresses", "IPAddresses",
        "PermittedDNSDomainsCritical", "PermittedDNSDomains", "ExcludedDNSDomains", "PermittedIPRanges",
        "ExcludedIPRanges", "PermittedEmailAddresses", "ExcludedEmailAddresses", "PermittedURIDomains",
        "ExcludedURIDomains", "CRLDistributionPoints", "PolicyIdentifiers",
    ]

    /// What Kyverno's CEL `x509.decode` returns: for a certificate, ``celCertificateFields`` of
    /// ``decode(pem:)`` with `SerialNumber` as Go's `big.Int.Int64()` (the low 64 bits); for a request,
    /// the same as ``decode(pem:)``.
    static func decodeForCEL(pem text: String) throws(Failure) -> JSONValue {
        let decoded = try decode(pem: text)
        guard let (type, der) = PEMBlock.first(in: text), type == "CERTIFICATE", case .object(var object) = decoded
        else { return decoded }
        object = object.filter { celCertificateFields.contains($0.key) }
        let serial = try children(try children(try parse(der), count: 3)[0]).first { node in
            node.identifier.tagClass != .contextSpecific
        }
        if let serial {
            let bytes = try primitive(serial)
            let negative = (bytes.first ?? 0) & 0x80 != 0
            var magnitude = Array(bytes)
            if negative {
                // Two's complement to magnitude.
                var carry = true
                for index in magnitude.indices.reversed() {
                    magnitude[index] = ~magnitude[index]
                    if carry {
                        let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
                        magnitude[index] = sum
                        carry = overflow
                    }
                }
            }
            var low: UInt64 = 0
            for byte in magnitude.suffix(8) { low = low << 8 | UInt64(byte) }
            let value = Int64(bitPattern: low)
            object["SerialNumber"] = .int(Int(negative ? 0 &- value : value))
        }
        return .object(object)
    }

    // MARK: - Certificate

    /// A signed DER structure (a certificate or a certificate request): the whole, its three parts (the
    /// signed body, the signature algorithm, the signature) and the body's fields.
    private static func signedParts(
        _ der: [UInt8]
    ) throws(Failure) -> (root: ASN1Node, top: [ASN1Node], fields: [ASN1Node]) {
        let root = try parse(der)
        let top = try children(root, count: 3)
        return (root, top, try children(top[0]))
    }

    /// The members certificates and requests share, in Go's order: `Signature`, `SignatureAlgorithm` (from the
    /// signed structure's parts `top`), `PublicKeyAlgorithm` and `PublicKey` (from the key info `spki`).
    private static func writeSignatureAndKey(
        top: [ASN1Node], spki: ASN1Node, into object: inout JSONObject
    ) throws(Failure) {
        object["Signature"] = base64(try bitString(top[2]))
        object["SignatureAlgorithm"] = .int(try signatureAlgorithm(top[1]))
        let (keyAlgorithm, publicKey) = try publicKey(spki)
        object["PublicKeyAlgorithm"] = .int(keyAlgorithm)
        object["PublicKey"] = publicKey
    }

    private static func certificate(_ der: [UInt8]) throws(Failure) -> JSONValue {
        let (root, top, tbsFields) = try signedParts(der)
        let tbs = top[0]
        var fields = tbsFields
        var version = 0
        if let first = fields.first, first.identifier.tagClass == .contextSpecific, first.identifier.tagNumber == 0 {
            version = try integer(try children(first, count: 1)[0])
            fields.removeFirst()
        }
        guard fields.count >= 6 else { throw Failure(message: "x509: malformed tbs certificate") }
        let serial = fields[0]
        let issuer = fields[2]
        let validity = try children(fields[3], count: 2)
        let subject = fields[4]
        let spki = fields[5]
        var extensions: [ASN1Node] = []
        for field in fields.dropFirst(6)
        where field.identifier.tagClass == .contextSpecific && field.identifier.tagNumber == 3 {
            extensions = try children(try children(field, count: 1)[0])
        }
        let parsedExtensions = try extensions.map(parseExtension)

        var object = JSONObject()
        object["Raw"] = base64(root.encodedBytes)
        object["RawTBSCertificate"] = base64(tbs.encodedBytes)
        object["RawSubjectPublicKeyInfo"] = base64(spki.encodedBytes)
        object["RawSubject"] = base64(subject.encodedBytes)
        object["RawIssuer"] = base64(issuer.encodedBytes)
        try writeSignatureAndKey(top: top, spki: spki, into: &object)
        object["Version"] = .int(version &+ 1)
        object["SerialNumber"] = try bigInteger(serial)
        object["Issuer"] = try name(issuer)
        object["Subject"] = try name(subject)
        object["NotBefore"] = .string(try time(validity[0]))
        object["NotAfter"] = .string(try time(validity[1]))

        var keyUsage = 0
        var basicConstraintsValid = false
        var isCA = false
        var maxPathLength = 0
        var subjectKeyID: JSONValue = .null
        var authorityKeyID: JSONValue = .null
        var extKeyUsage: [JSONValue] = []
        var unknownExtKeyUsage: [JSONValue] = []
        var unhandledCritical: [JSONValue] = []
        var ocspServers: [JSONValue] = []
        var issuingURLs: [JSONValue] = []
        var crlPoints: [JSONValue] = []
        var policies: [JSONValue] = []
        var policyIdentifiers: [JSONValue] = []
        var names = SubjectAlternativeNames()
        for item in parsedExtensions {
            switch item.id {
            case [2, 5, 29, 15]:
                let node = try parse(item.value)
                let bits = try bitStringWithUnused(node)
                for index in 0..<9 where bit(bits.bytes, index) { keyUsage |= 1 << index }
            case [2, 5, 29, 19]:
                basicConstraintsValid = true
                maxPathLength = -1
                for node in try children(try parse(item.value)) {
                    if node.identifier == .boolean, case .primitive(let bytes) = node.content {
                        isCA = bytes.first.map { $0 != 0 } ?? false
                    } else if node.identifier == .integer {
                        maxPathLength = try integer(node)
                    }
                }
            case [2, 5, 29, 14]:
                subjectKeyID = base64(try octets(try parse(item.value)))
            case [2, 5, 29, 35]:
                for node in try children(try parse(item.value))
                where node.identifier.tagClass == .contextSpecific && node.identifier.tagNumber == 0 {
                    if case .primitive(let bytes) = node.content { authorityKeyID = base64(bytes) }
                }
            case [2, 5, 29, 17]:
                names = try subjectAlternativeNames(item.value)
            case [2, 5, 29, 37]:
                for node in try children(try parse(item.value)) {
                    let oid = try objectIdentifier(node)
                    if let known = extKeyUsages[oid] {
                        extKeyUsage.append(.int(known))
                    } else {
                        unknownExtKeyUsage.append(.array(oid.map { .int($0) }))
                    }
                }
            case [1, 3, 6, 1, 5, 5, 7, 1, 1]:
                for access in try children(try parse(item.value)) {
                    let parts = try children(access, count: 2)
                    let method = try objectIdentifier(parts[0])
                    guard parts[1].identifier.tagNumber == 6, case .primitive(let bytes) = parts[1].content else {
                        continue
                    }
                    let uri = JSONValue.string(String(decoding: bytes, as: UTF8.self))
                    if method == [1, 3, 6, 1, 5, 5, 7, 48, 1] { ocspServers.append(uri) }
                    if method == [1, 3, 6, 1, 5, 5, 7, 48, 2] { issuingURLs.append(uri) }
                }
            case [2, 5, 29, 31]:
                for point in try children(try parse(item.value)) {
                    for name in try children(point) where name.identifier.tagNumber == 0 {
                        for full in try children(name) where full.identifier.tagNumber == 0 {
                            for general in try children(full) where general.identifier.tagNumber == 6 {
                                if case .primitive(let bytes) = general.content {
                                    crlPoints.append(.string(String(decoding: bytes, as: UTF8.self)))
                                }
                            }
                        }
                    }
                }
            case [2, 5, 29, 32]:
                for policy in try children(try parse(item.value)) {
                    let oid = try objectIdentifier(try children(policy)[0])
                    policyIdentifiers.append(.array(oid.map { .int($0) }))
                    policies.append(.string(oid.map(String.init).joined(separator: ".")))
                }
            case [2, 5, 29, 30], [2, 5, 29, 36], [2, 5, 29, 33], [2, 5, 29, 54]:
                break
            default:
                if item.critical { unhandledCritical.append(.array(item.id.map { .int($0) })) }
            }
        }
        object["KeyUsage"] = .int(keyUsage)
        object["Extensions"] = parsedExtensions.isEmpty ? .null : .array(parsedExtensions.map(\.json))
        object["ExtraExtensions"] = .null
        object["UnhandledCriticalExtensions"] = orNull(unhandledCritical)
        object["ExtKeyUsage"] = orNull(extKeyUsage)
        object["UnknownExtKeyUsage"] = orNull(unknownExtKeyUsage)
        object["BasicConstraintsValid"] = .bool(basicConstraintsValid)
        object["IsCA"] = .bool(isCA)
        object["MaxPathLen"] = .int(maxPathLength)
        object["MaxPathLenZero"] = .bool(basicConstraintsValid && maxPathLength == 0)
        object["SubjectKeyId"] = subjectKeyID
        object["AuthorityKeyId"] = authorityKeyID
        object["OCSPServer"] = orNull(ocspServers)
        object["IssuingCertificateURL"] = orNull(issuingURLs)
        names.write(into: &object)
        object["PermittedDNSDomainsCritical"] = false
        for key in [
            "PermittedDNSDomains", "ExcludedDNSDomains", "PermittedIPRanges", "ExcludedIPRanges",
            "PermittedEmailAddresses", "ExcludedEmailAddresses", "PermittedURIDomains", "ExcludedURIDomains",
        ] {
            object[key] = .null
        }
        object["CRLDistributionPoints"] = orNull(crlPoints)
        object["PolicyIdentifiers"] = orNull(policyIdentifiers)
        object["Policies"] = orNull(policies)
        object["InhibitAnyPolicy"] = 0
        object["InhibitAnyPolicyZero"] = false
        object["InhibitPolicyMapping"] = 0
        object["InhibitPolicyMappingZero"] = false
        object["RequireExplicitPolicy"] = 0
        object["RequireExplicitPolicyZero"] = false
        object["PolicyMappings"] = .null
        return .object(object)
    }

    // MARK: - Certificate request

    private static func certificateRequest(_ der: [UInt8]) throws(Failure) -> JSONValue {
        let (root, top, fields) = try signedParts(der)
        let info = top[0]
        guard fields.count >= 3 else { throw Failure(message: "x509: malformed certificate request") }
        var object = JSONObject()
        var extensions: [ParsedExtension] = []
        var attributes: [JSONValue] = []
        if fields.count > 3, fields[3].identifier.tagClass == .contextSpecific {
            for attribute in try children(fields[3]) {
                let parts = try children(attribute, count: 2)
                let oid = try objectIdentifier(parts[0])
                if oid == [1, 2, 840, 113_549, 1, 9, 14] {
                    for set in try children(parts[1]) { extensions += try children(set).map(parseExtension) }
                }
                attributes.append(.object(["Type": .array(oid.map { .int($0) }), "Value": .null]))
            }
        }
        object["Raw"] = base64(root.encodedBytes)
        object["RawTBSCertificateRequest"] = base64(info.encodedBytes)
        object["RawSubjectPublicKeyInfo"] = base64(fields[2].encodedBytes)
        object["RawSubject"] = base64(fields[1].encodedBytes)
        object["Version"] = .int(try integer(fields[0]))
        try writeSignatureAndKey(top: top, spki: fields[2], into: &object)
        object["Subject"] = try name(fields[1])
        object["Attributes"] = orNull(attributes)
        object["Extensions"] = extensions.isEmpty ? .null : .array(extensions.map(\.json))
        object["ExtraExtensions"] = .null
        var names = SubjectAlternativeNames()
        if let san = extensions.first(where: { $0.id == [2, 5, 29, 17] }) {
            names = try subjectAlternativeNames(san.value)
        }
        names.write(into: &object)
        return .object(object)
    }
}
