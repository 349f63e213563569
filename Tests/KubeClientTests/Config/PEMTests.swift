import Testing

@testable import KubeClient

struct PEMTests {
    @Test func readsCertificateAndKey() throws {
        let certificate = try Fixtures.contents("certs/client.crt")
        let blocks = try PEM.blocks(in: certificate)
        #expect(blocks.map(\.label) == ["CERTIFICATE"])
        // DER certificates start with a SEQUENCE tag.
        #expect(blocks.first?.der.first == 0x30)
        try PEM.validateCertificates(certificate)
        try PEM.validatePrivateKey(try Fixtures.contents("certs/client.key"))
    }

    @Test(arguments: [
        ("not a certificate", "no PEM block"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n", "no END"),
        ("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "not valid base64"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n", "ended by"),
    ])
    func rejectsBrokenPEM(text: String, message: String) {
        #expect {
            try PEM.validateCertificates(Array(text.utf8))
        } throws: { error in
            (error as? PEM.Error)?.message.contains(message) == true
        }
    }

    @Test func keyIsNotACertificate() throws {
        let key = try Fixtures.contents("certs/client.key")
        #expect(throws: PEM.Error.self) { try PEM.validateCertificates(key) }
        #expect(throws: PEM.Error.self) { try PEM.validatePrivateKey(try Fixtures.contents("certs/ca.crt")) }
    }

    @Test(arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "\u{00}\u{ff}\u{7f}"])
    func base64RoundTrips(text: String) {
        let bytes = Array(text.utf8)
        let encoded = Base64.encode(bytes)
        #expect(Base64.decode(encoded) == bytes)
    }

    @Test func base64KnownValuesAndErrors() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9v\nYmE=") == Array("fooba".utf8))
        #expect(Base64.decode("Zm9v$") == nil)
        #expect(Base64.decode("Z") == nil)
        #expect(Base64.decode("Zm=9") == nil)
    }
}
