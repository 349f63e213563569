import CEL
import JSONValue
import Testing

@testable import PolicyEngine

/// Kyverno's CEL `gzip`, `random` and `x509` libraries (kyverno/sdk `extensions/cel/libs`), with the
/// expectations of Kyverno's own tests of them.
@Suite struct KyvernoCELEncodingTests {
    static func evaluate(_ source: String, _ variables: [String: CELValue] = [:]) throws -> CELValue {
        try KyvernoCELEnvironment.shared.compile(source).evaluate(variables)
    }

    /// Kyverno's test certificate (`x509/impl_test.go`): a self-signed RSA CA for `*.kyverno.svc`.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIC7TCCAdWgAwIBAgIBADANBgkqhkiG9w0BAQsFADAYMRYwFAYDVQQDDA0qLmt5
        dmVybm8uc3ZjMB4XDTIyMTAxMDExNDYzMloXDTIzMTAxMDEyNDYzMlowGDEWMBQG
        A1UEAwwNKi5reXZlcm5vLnN2YzCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoC
        ggEBAOKF+2P0Ufp855hpdsGD4lYkd6oU7HZAOWm1XskAMwrdsqWwTNNAinyHRoPQ
        IbNbGDQ+r6Cggc2mlxHJ90PnC2weHj5otaD17Z+ARZpJZ4HMWkEfFt8sxwo9vuQJ
        RWihqNwFheowjswoSB1DHnPufrZHfztkMoRx278ZfHaIMdlSTg50ektkNDoHA3OJ
        sxxw54X3HR1iq6SZwN8xNT0TI6B6BbfAYWMNmKCiZ2iV6kW//XnTEqGd2WcmhuP0
        SjwO4tCJbj9oV6+Bj/uhFr7J4foErMaodYDBtQs/ul2tcAwSBHfnC2KcLbiZTZsC
        0Rs0WPJ4YwF/cOsD7Z/RmLs4FHsCAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgKkMA8G
        A1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFJaK+3Wfnf7rVkYBzMCLSaV56NMqMA0G
        CSqGSIb3DQEBCwUAA4IBAQDY7F6b+t9BX7098JyGk6zeT39MoLdSv+8IaKXn+m8G
        yOKn3CZkruko57ycvPd4taC0gggtmUYynFhwPMQr+boNrrK9rat8Jw3yPPsBq/8D
        /s6tvwxSNXBfPUI5OvNIB/hA5XpJpdHQaCkYm+FWkcJsolkkbSOfVjUjImW26JHB
        nnPPtR4Y7dx0SVoPS19IC0T5RmdvgqlXj4XbhTnX3QOujVHn8u+wQ8po7EngHDQs
        +onfkp8ipe0QpEJL1ZdW2LhyDXGKrZ2y8UPZ9wYNzxHWaj1Thu4B9YFdsPUwWqSx
        n9e+FygpoktlD8YgT7jwgiVKX7Koz++zyvMIdhvRrtgS
        -----END CERTIFICATE-----
        """

    @Test func x509DecodeGivesKyvernosCertificateFields() throws {
        let value = try Self.evaluate("x509.decode(object)", ["object": .string(Self.certificate)])
        let json = try #require(value.json)
        #expect(json["IsCA"] == true)
        #expect(json["BasicConstraintsValid"] == true)
        #expect(json["KeyUsage"] == 37)
        #expect(json["SerialNumber"] == 0)
        #expect(json["PublicKeyAlgorithm"] == 1)
        #expect(json["MaxPathLen"] == -1)
        #expect(json["MaxPathLenZero"] == false)
        #expect(json["NotBefore"] == "2022-10-10T11:46:32Z")
        #expect(json["NotAfter"] == "2023-10-10T12:46:32Z")
        #expect(json[path: "Issuer", "CommonName"] == "*.kyverno.svc")
        #expect(json[path: "Issuer", "SerialNumber"] == "")
        #expect(json[path: "PublicKey", "E"] == 65537)
        #expect(json[path: "PublicKey", "N"]?.stringValue?.hasPrefix("2859592590596222342452094735220710545") == true)
        #expect(json["Extensions"]?.arrayValue?.count == 3)
        #expect(json["Extensions"]?[0]?["Critical"] == true)
        for field in ["Raw", "RawIssuer", "RawSubject", "RawSubjectPublicKeyInfo", "RawTBSCertificate", "Signature"] {
            #expect(json[field]?.stringValue?.isEmpty == false, "\(field)")
        }
        // Only CertificateOutput's fields: no Subject, Version or SignatureAlgorithm (x509_decode has them).
        #expect(json["Subject"] == nil && json["Version"] == nil && json["SignatureAlgorithm"] == nil)
        // Usable in expressions.
        #expect(
            try Self.evaluate(
                "x509.decode(object).Issuer.CommonName.endsWith('.svc')", ["object": .string(Self.certificate)])
                == .bool(true))
    }

    @Test func x509DecodeOfSomethingElseIsAnError() throws {
        guard case .error(let error) = try Self.evaluate("x509.decode('not a valid PEM')") else {
            Issue.record("not an error")
            return
        }
        #expect("\(error)".contains("failed to decode PEM block"))
    }

    @Test func gzipRoundTripsAndWritesGosBytes() throws {
        // Kyverno's expectation (Go's compress/gzip with modification time 0).
        #expect(
            try Self.evaluate("base64.encode(gzip.compress('kyverno'))")
                == .string("H4sIAAAAAAAA/8quLEstyssHBAAA///oD5wzBwAAAA=="))
        // A stream Go wrote with another header (a modification time, OS 3).
        #expect(
            try Self.evaluate("gzip.decompress(base64.decode('H4sIADP4umkAA8uuLEstyssHAOgPnDMHAAAA'))")
                == .string("kyverno"))
        let long = String(repeating: "policy reports without surprises; ", count: 500)
        #expect(
            try Self.evaluate("gzip.decompress(gzip.compress(object)) == object", ["object": .string(long)])
                == .bool(true))
        #expect(
            try Self.evaluate("size(gzip.compress(object)) < size(object)", ["object": .string(long)]) == .bool(true))
        guard case .error = try Self.evaluate("gzip.decompress(b'not gzip')") else {
            Issue.record("bad data decompressed")
            return
        }
        // A truncated stream fails instead of returning part of the text.
        guard case .error = try Self.evaluate("gzip.decompress(base64.decode('H4sIAAAAAAAA/8quLEstyssHBAAA'))") else {
            Issue.record("a truncated stream decompressed")
            return
        }
    }

    @Test func randomMatchesItsPattern() throws {
        guard case .string(let plain) = try Self.evaluate("random()") else {
            Issue.record("random() is not a string")
            return
        }
        #expect(plain.count == 8 && plain.allSatisfy { $0.isNumber || ("a"..."z").contains($0) })
        #expect(try Self.evaluate("random('[A-F]{4}-[0-9]{2}').matches('^[A-F]{4}-[0-9]{2}$')") == .bool(true))
        #expect(try Self.evaluate("random.random('x{3}')") == .string("xxx"))
        guard case .error = try Self.evaluate("random('(')") else {
            Issue.record("a bad pattern generated")
            return
        }
    }
}
