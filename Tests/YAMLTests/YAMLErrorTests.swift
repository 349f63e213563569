import JSONValue
import Testing
import YAML

/// Broken input fails with a kind, a 1-based line and column, and a message that says what is wrong.
@Suite struct YAMLErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var text: String
        var kind: YAMLError.Kind
        var line: Int
        var column: Int
        var messageContains: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "bad indentation",
            text: "a:\n  b: 1\n c: 2\n",
            kind: .syntax,
            line: 3,
            column: 2,
            messageContains: "did not find expected key"
        ),
        Case(
            name: "mapping value in a plain scalar",
            text: "key: value: other\n",
            kind: .syntax,
            line: 1,
            column: 11,
            messageContains: "mapping values are not allowed"
        ),
        Case(
            name: "unclosed double quote",
            text: "a: 1\nb: \"open\n",
            kind: .syntax,
            line: 3,
            column: 1,
            messageContains: "unexpected end of stream"
        ),
        Case(
            name: "unclosed single quote",
            text: "b: 'open\n",
            kind: .syntax,
            line: 2,
            column: 1,
            messageContains: "unexpected end of stream"
        ),
        Case(
            name: "tab indentation",
            text: "a:\n\tb: 1\n",
            kind: .syntax,
            line: 2,
            column: 1,
            messageContains: "cannot start any token"
        ),
        Case(
            name: "unclosed flow sequence",
            text: "a: [1, 2\nb: 3\n",
            kind: .syntax,
            line: 2,
            column: 2,
            messageContains: "did not find expected ',' or ']'"
        ),
        Case(
            name: "undefined alias",
            text: "a: 1\nb: *nowhere\n",
            kind: .undefinedAlias,
            line: 2,
            column: 4,
            messageContains: "*nowhere"
        ),
        Case(
            name: "two anchors on one node",
            text: "a: &x &y 1\n",
            kind: .syntax,
            line: 1,
            column: 7,
            messageContains: "did not find expected key"
        ),
        Case(
            name: "alias inside its own anchor",
            text: "a: &x\n  b: *x\n",
            kind: .recursiveAlias,
            line: 2,
            column: 6,
            messageContains: "contains it"
        ),
        Case(
            name: "invalid UTF-8",
            text: "a: ok\nb: \u{FFFD}\n",  // the replacement character is swapped for a bad byte below
            kind: .encoding,
            line: 2,
            column: 4,
            messageContains: "invalid"
        ),
        Case(
            name: "control character",
            text: "a: \u{01}\n",
            kind: .encoding,
            line: 1,
            column: 4,
            messageContains: "control characters are not allowed"
        ),
        Case(
            name: "undefined tag handle",
            text: "a: !e!x 1\n",
            kind: .syntax,
            line: 1,
            column: 4,
            messageContains: "undefined tag handle"
        ),
    ]

    @Test(arguments: cases)
    func errorsCarryPositions(_ testCase: Case) throws {
        // Invalid UTF-8 cannot live in a Swift string: the replacement character stands for a lone 0xFF.
        var bytes: [UInt8] = []
        for scalar in testCase.text.unicodeScalars {
            if scalar == "\u{FFFD}" { bytes.append(0xFF) } else { bytes += Array(String(scalar).utf8) }
        }
        let error = #expect(throws: YAMLError.self) { try YAML.load(bytes: bytes) }
        #expect(error?.kind == testCase.kind, "\(String(describing: error))")
        #expect(error?.line == testCase.line, "\(String(describing: error))")
        #expect(error?.column == testCase.column, "\(String(describing: error))")
        #expect(error?.message.contains(testCase.messageContains) == true, "\(String(describing: error))")
        let description = error?.description ?? ""
        #expect(description.contains("line \(testCase.line), column \(testCase.column)"))
    }

    @Test func syntaxErrorsNameWhatWasBeingParsed() throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load("a:\n  b: 1\n c: 2\n") }
        #expect(error?.context == "while parsing a block mapping at line 1, column 1")
        #expect(error?.description.hasSuffix("(while parsing a block mapping at line 1, column 1)") == true)
    }

    /// Every error, whatever its kind, names a line and a column that lie inside the input.
    @Test(arguments: [
        "[", "{", "a: [", "\"", "'", "- a\nb: c", "*a", "!<", "%YAML 2.0\n---\na", "? [a]\n: b",
        "a: b\n  c: d", "--- |\n  a\n b", "a: !!int x", "{a: 1, b}: c", "<<: x",
    ])
    func everyErrorHasAPosition(_ text: String) throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load(text) }
        guard let error else { return }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(error.line >= 1 && error.line <= lines + 1, "\(error)")
        #expect(error.column >= 1, "\(error)")
        #expect(!error.message.isEmpty)
    }
}
