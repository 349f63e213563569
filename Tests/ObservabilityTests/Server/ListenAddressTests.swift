import Observability
import Testing

@Suite("ListenAddress parsing")
struct ListenAddressTests {
    @Test(arguments: [
        (":8000", "0.0.0.0", 8000),
        ("127.0.0.1:0", "127.0.0.1", 0),
        ("[::1]:8000", "::1", 8000),
        ("[::]:8081", "::", 8081),
        ("localhost:65535", "localhost", 65535),
        (" 0.0.0.0:9090 ", "0.0.0.0", 9090),
    ])
    func parses(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test(arguments: [
        ("", ListenAddressError.Kind.empty),
        ("8000", .missingPort),
        ("localhost", .missingPort),
        ("127.0.0.1:", .missingPort),
        ("[::1]", .missingPort),
        (":65536", .invalidPort),
        (":http", .invalidPort),
        (":-1", .invalidPort),
        ("::1:8000", .unbracketedIPv6),
        ("[::1:8000", .unterminatedBracket),
        ("[]:8000", .invalidHost),
    ])
    func rejects(text: String, kind: ListenAddressError.Kind) {
        #expect(throws: ListenAddressError(kind, input: text)) { try ListenAddress(parsing: text) }
    }

    @Test func errorsNameTheInputAndTheFix() {
        do {
            _ = try ListenAddress(parsing: "8000")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("\"8000\""))
            #expect(error.description.contains(":8000"))
        }
    }

    @Test func flagZeroDisables() throws {
        #expect(try ListenAddress.parseFlag("0") == nil)
        #expect(try ListenAddress.parseFlag("") == nil)
        #expect(try ListenAddress.parseFlag(":8000") == .defaultMetrics)
    }

    @Test func descriptionBracketsIPv6() {
        #expect(ListenAddress(host: "::1", port: 80).description == "[::1]:80")
        #expect(ListenAddress.defaultHealth.description == "0.0.0.0:8081")
    }
}
