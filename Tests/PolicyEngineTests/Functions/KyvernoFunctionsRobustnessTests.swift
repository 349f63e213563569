import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// Every function body must answer odd input with a value or a `JMESPathError`, never a trap or a hang.
struct KyvernoFunctionsRobustnessTests {
    static let oddValues: [JSONValue] = [
        .null, true, 0, -1, .int(Int.max), .int(Int.min), .double(1e308), .double(-0.0), .double(0.5), "", "0", "-",
        ".", "Ki", "e", "1e2147483648", "9223372036854775807Ei", "-9223372036854775808ns", "((((", "\\", "[", "$",
        "${", "****", "(?P<", "\u{0}", "é\u{301}", .string(String(repeating: "a", count: 2000)),
        "2006-01-02T15:04:05Z07:00",
        "9999-12-31T23:59:59+23:59", "0000-01-01T00:00:00Z", "-----BEGIN CERTIFICATE-----", "http://[", "::",
        "a:b@c", [], [1, "2Ki", "3s"], ["a": 1], [[]],
    ]

    @Test(arguments: KyvernoFunctions.all.map(\.name))
    func oddArgumentsNeverTrap(name: String) throws {
        let function = try #require(KyvernoFunctions.all.first { $0.name == name })
        let arity = function.parameters.count
        guard arity > 0 else {
            #expect(throws: Never.self) { try function.body([]) }
            return
        }
        var failures = 0
        var successes = 0
        for value in Self.oddValues {
            for other in Self.oddValues.prefix(12) {
                var arguments = [JMESPathArgument](repeating: .value(other), count: arity)
                arguments[0] = .value(value)
                do {
                    _ = try function.body(arguments)
                    successes += 1
                } catch {
                    #expect(!error.message.isEmpty)
                    failures += 1
                }
            }
        }
        #expect(successes + failures == Self.oddValues.count * 12)
    }

    @Test func missingArgumentsAreReportedNotTrapped() {
        for function in KyvernoFunctions.all where !function.parameters.isEmpty {
            #expect(throws: JMESPathError.self, "\(function.name)") { try function.body([]) }
        }
    }

    @Test func deepNestingIsRefused() {
        let pattern = String(repeating: "(", count: 5000) + String(repeating: ")", count: 5000)
        #expect(
            errorMessage("regex_match", .string(pattern), "x")?.hasPrefix(
                "error parsing regexp: expression nests too deeply") == true)
        #expect(errorMessage("random", .string(pattern)) != nil)
    }
}
