import Foundation
import JSONValue
import Testing
import YAML

/// Loads Kubernetes objects with ``YAML`` and with the real `kubectl` (sigs.k8s.io/yaml over go-yaml v2,
/// offline through `kubectl annotate --local -o json`) and requires the same JSON, or a failure on
/// both sides. kubectl is the reference the module follows, so nothing here is adjusted, except that
/// `!!binary` (which Vigil keeps as base64 text), integers beyond `Int64` (which `JSONValue` does not
/// parse from kubectl's output) and the `\/` escape (libyaml accepts it, as JSON does; go-yaml v2 does
/// not, though kubectl reads JSON input with its JSON decoder anyway) are left out of the samples.
@Suite struct KubectlDifferentialTests {
    static let accepted: [String] = [
        "v: [y, Y, n, N, yes, No, on, OFF, true, False, ~, null, '', \"\"]\n",
        "v: [0o17, 017, 08, 09.5, 1e3, 1E-2, 0x1F, -0x10, 0b101, -0b101, 1_000, +12, .5, -.5, 1., 6.02e+23]\n",
        "v: [2001-12-14, 2001-12-14T21:59:43.10-05:00, 1:20, =, 1.2.3, 0x, 0b, +, ._5, .5_0, 1e400, 0x_1F]\n",
        "keys: {1: a, true: b, no: c, 1.5: d, 1e6: e, 0.00001: f, 1234567: g, 1234567.0: h, 0x10: i, ~x: j}\n",
        "base: &b {a: 1, b: 2}\nother: &o {b: 3, c: 4}\nm1:\n  a: before\n  <<: *b\n  b: after\nm2:\n  <<: [*o, *b]\n",
        "v: [!!str 12, !!int \"7\", !!float 1, !!bool yes, !thing 12, ! 12, !!null '', !!timestamp 2001-12-14]\n",
        "lit: |\n  a\n   b\n\n  c\nfold: >\n  a\n  b\n\n  c\n   d\nkeep: |+\n  x\n\n\nstrip: >-\n  z\n",
        "dq: \"a\\tb\\u00e9 \\x41\\n\"\nsq: 'it''s'\nml: \"a\n  b\n\n  c\"\nplain: a\n  b\n",
        "d: 1\nd: 2\n",
        "a: &x {k: v}\nb: [*x, *x]\nc: &x 2\nd: *x\n",
        "v: [<<, '<<']\n",
        "\"é\": 1\n'yes': 2\n日本: 語\n",
        "e:\n  a:\n  b: []\n  c: {}\n",
        "t: a\tb\n",
        "flow: {a: [1, {b: c}], 'd': \"e\", f: , ? g : h}\n",
        "seq:\n- - a\n  - b\n-\n  - c\n- k: v\n  l:\n  - m\n",
        "? explicit\n: value\n? |\n  block key\n: v2\n",
    ]

    static let rejected: [String] = [
        "v: .inf\n", "v: -.Inf\n", "v: .nan\n", "~: 1\n", "null: 1\n", "18446744073709551615: 1\n",
        "? [a]\n: b\n", "v: *undefined\n", "v: !!int abc\n", "v: !!float yes\n", "m:\n  <<: 1\n", "v: [1, 2\n",
    ]

    static func object(_ index: Int, _ body: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\(index)\n" + body
    }

    static func kubectl(_ text: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vigil-kubectl-\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kubectl", "annotate", "--local", "-f", file.path, "vigil=check", "-o", "json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static var kubectlAvailable: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/kubectl") }
    }

    @Test func acceptedObjectsMatchKubectl() throws {
        guard Self.kubectlAvailable else {
            Issue.record("skipped: kubectl is not on PATH, so the kubectl differential test did not run")
            return
        }
        // One stream, with documents kubectl skips (empty, comment-only) between the objects.
        let stream = Self.accepted.enumerated().map { Self.object($0.offset, $0.element) }
            .joined(separator: "---\n# only a comment\n---\n")
        let result = try Self.kubectl(stream)
        #expect(result.status == 0, "kubectl failed")
        // kubectl prints one indented JSON object per document; each ends with a "}" line.
        let expected = try result.output.components(separatedBy: "\n}\n").filter {
            !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }.map { try JSONValue.parse($0 + "\n}\n") }

        let loaded = try YAML.load(stream)
        #expect(loaded.count == expected.count)
        for (index, (mine, theirs)) in zip(loaded, expected).enumerated() {
            var annotated = mine
            annotated["metadata"]?["annotations"] = ["vigil": "check"]
            #expect(
                annotated == theirs,
                "sample \(index) \(Self.accepted[index].debugDescription)\nVigil   \(annotated)\nkubectl \(theirs)"
            )
        }
    }

    @Test(arguments: rejected)
    func rejectedObjectsFailLikeKubectl(_ body: String) throws {
        guard Self.kubectlAvailable else {
            Issue.record("skipped: kubectl is not on PATH, so the kubectl differential test did not run")
            return
        }
        let text = Self.object(0, body)
        #expect(try Self.kubectl(text).status != 0, "kubectl accepted \(body.debugDescription)")
        #expect(throws: YAMLError.self) { try YAML.load(text) }
    }
}
