import Foundation
import Testing

/// Runs `vigil jp` as a user would.
struct JPCommandTests {
    static let pod = """
        {"metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
         "spec": {"containers": [{"name": "a", "securityContext": {"privileged": true}}, {"name": "b"}]}}
        """

    @Test func queryPrintsEachResultAsCompactJSONOnItsOwnLine() throws {
        let output = try VigilProcess.run(
            [
                "jp", "query", "spec.containers[?securityContext.privileged == `true`].name",
                "metadata.labels.\"app.kubernetes.io/name\"", "length(spec.containers)",
            ],
            stdin: Self.pod)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == "[\"a\"]\n\"web\"\n2\n")
    }

    @Test func queryReadsTheInputFileAndPrettyPrints() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-jp-\(UUID()).json")
        try Data(Self.pod.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try VigilProcess.run(["jp", "query", "--input", file.path, "--pretty", "metadata"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("\n  \"name\": \"web\""))
    }

    @Test func evaluationErrorPrintsTheClassAndExitsWithOne() throws {
        let output = try VigilProcess.run(["jp", "query", "length(`1`)"], stdin: "{}")
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.hasPrefix("error: invalid-type: length() expects argument 1"))
    }

    @Test func syntaxErrorShowsACaret() throws {
        let output = try VigilProcess.run(["jp", "query", "foo[?a == ]"], stdin: "{}")
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("error: syntax: "))
        #expect(output.stderr.contains("\n  foo[?a == ]\n            ^\n"))
    }

    @Test func missingKeyErrorFlagReportsMissingKeysAsKyvernoDoes() throws {
        let standard = try VigilProcess.run(["jp", "query", "metadata.nope"], stdin: Self.pod)
        #expect(standard.status == 0)
        #expect(standard.stdout == "null\n")
        let strict = try VigilProcess.run(["jp", "query", "--missing-key-error", "metadata.nope"], stdin: Self.pod)
        #expect(strict.status == 1)
        #expect(strict.stderr.hasPrefix("error: not-found: Unknown key \"nope\" in path"))
    }

    @Test func invalidInputDocumentFails() throws {
        let output = try VigilProcess.run(["jp", "query", "@"], stdin: "{not json")
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("error: invalid input document"))
    }

    @Test func functionListsEveryStandardFunctionWithItsSignature() throws {
        let output = try VigilProcess.run(["jp", "function"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("number abs(number)\n"))
        #expect(output.stdout.contains("object merge(object...)\n"))
        #expect(output.stdout.contains("array sort_by(array, expression)\n"))
        let signatures = output.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(signatures.count == 26)
    }

    @Test func functionWithANameShowsOnlyThatFunction() throws {
        let output = try VigilProcess.run(["jp", "function", "join"])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("string join(string, array[string])\n    "))
        #expect(try VigilProcess.run(["jp", "function", "nope"]).status == 1)
    }

    @Test func parsePrintsTheSyntaxTree() throws {
        let output = try VigilProcess.run(["jp", "parse", "a.b | length(@)"])
        #expect(output.status == 0)
        #expect(
            output.stdout == "Pipe\n  Subexpression\n    Field \"a\"\n    Field \"b\"\n  Function length\n    Current\n"
        )
    }
}
