import Foundation
import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// x509_decode against Kyverno's Test_x509Decode expectations (fixture copied from functions_test.go).
struct X509FunctionTests {
    struct Fixture {
        var cases: [(input: String, base64: Bool, expected: Int)]
        var expected: [JSONValue]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/x509-decode.json")
        let root = try JSONValue.parse(Array(try Data(contentsOf: url)))
        let cases = try (root["cases"]?.arrayValue ?? []).map { item in
            (
                input: try #require(item["input"]?.stringValue), base64: item["base64"]?.boolValue ?? false,
                expected: try #require(item["expected"]?.intValue)
            )
        }
        return Fixture(cases: cases, expected: root["expected"]?.arrayValue ?? [])
    }

    @Test func decodesKyvernoFixtures() throws {
        let fixture = try Self.fixture()
        #expect(fixture.cases.count == 7)
        for (index, testCase) in fixture.cases.enumerated() {
            let pem = testCase.base64 ? try call("base64_decode", .string(testCase.input)) : .string(testCase.input)
            let decoded = try call("x509_decode", pem)
            let expected = fixture.expected[testCase.expected]
            for (key, value) in expected.objectValue ?? [:] {
                #expect(decoded[key] == value, "case \(index) field \(key)")
            }
            #expect(decoded.objectValue?.count == expected.objectValue?.count, "case \(index) field count")
        }
    }

    @Test func rejectsWhatKyvernoRejects() {
        #expect(errorMessage("x509_decode", "xyz") == "failed to decode PEM block")
        #expect(
            errorMessage("x509_decode", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                == "PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST")
        #expect(
            errorMessage("x509_decode", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----")
                == "x509: malformed certificate")
        #expect(errorMessage("x509_decode", 1) == "JMESPath function 'x509_decode': argument #1 is not of type string")
    }
}
