import Foundation
import JMESPath
import JSONValue
import Testing

/// The JMESPath compliance suite (jmespath.py's `tests/compliance`, copied to `shared/testdata/jmespath`):
/// every case must give its result or its error class.
struct JMESPathComplianceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var suite: Int
        var number: Int
        var given: JSONValue
        var expression: String
        var result: JSONValue?
        var error: String?

        var testDescription: String { "\(file) suite \(suite) case \(number): \(expression)" }
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/testdata/jmespath").standardizedFileURL

    static let cases: [Case] = {
        guard
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter({ $0.hasSuffix(".json") }).sorted()
        else { return [] }
        var cases: [Case] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                case .array(let suites)? = try? JSONValue.parse(Array(data))
            else {
                Issue.record("cannot read compliance file \(name)")
                continue
            }
            for (suiteIndex, suite) in suites.enumerated() {
                let given = suite["given"] ?? .null
                for (caseIndex, testCase) in (suite["cases"]?.arrayValue ?? []).enumerated() {
                    guard let expression = testCase["expression"]?.stringValue else { continue }
                    let error = testCase["error"]?.stringValue
                    let result = testCase["result"]
                    // Benchmark-only cases without a result have nothing to check.
                    if error == nil, result == nil { continue }
                    cases.append(
                        Case(
                            file: name, suite: suiteIndex, number: caseIndex, given: given,
                            expression: expression, result: result, error: error))
                }
            }
        }
        return cases
    }()

    static let suiteIsPresent = FileManager.default.fileExists(atPath: directory.path)

    /// Shows up as skipped (with this reason) when the suite is missing.
    @Test(.enabled(if: suiteIsPresent, "the JMESPath compliance suite is missing at ../shared/testdata/jmespath"))
    func suiteHasAllCases() {
        // 908 cases, of which 6 benchmark cases carry no result to check.
        #expect(Self.cases.count == 902)
    }

    @Test(arguments: cases)
    func complianceCase(_ testCase: Case) {
        do {
            let expression = try JMESPathExpression(testCase.expression)
            let actual = try expression.search(testCase.given)
            if let error = testCase.error {
                Issue.record("expected error \(error), got \(actual.serialized())")
            } else {
                #expect(actual == testCase.result, "got \(actual.serialized())")
            }
        } catch {
            if let expected = testCase.error {
                #expect(error.kind.rawValue == expected, "\(error)")
            } else {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
