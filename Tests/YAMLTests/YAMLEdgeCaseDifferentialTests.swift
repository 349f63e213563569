import Foundation
import JSONValue
import Testing
import YAML

/// Hand-written YAML that exercises the corners of the spec (scalar styles, folding, escapes, anchors,
/// merges, tags, directives), loaded by ``YAML`` and by pure-Python PyYAML (no libyaml underneath),
/// adjusted only as ``PyYAMLReference/adjustments`` lists.
@Suite struct YAMLEdgeCaseDifferentialTests {
    static let samples: [String] = [
        "literal: |\n  a\n\n  b\n   c\n\n\nnext: 1\n",
        "keep: |+\n  a\n\n\nstrip: |-\n  a\n\n\nclip: |\n  a\n\n\n",
        "folded: >\n  one\n  two\n\n  three\n    indented\n  four\n\n\n",
        "folded_keep: >+\n  a\n  b\n\n",
        "indent: |2\n    two extra\n  base\n",
        "- |1\n  leading space\n- >-\n\n  leading blank\n",
        "double: \"a\\tb\\n\\\\ \\\" \\x41 \\u00e9 \\U0001F600 \\0 \\e \\N \\_ \\L \\P\"\n",
        "multi: \"first\n  second\n\n  third\"\nsingle: 'it''s\n  folded\n\n  para'\n",
        "plain: first\n  second\n\n  third\n",
        "flow: {a: 1, b: [x, y, {c: d}], 'e': \"f\", g: , ? h : i}\n",
        "flowseq: [a, b: c, {d: e}, [f], ]\n",
        "anchors: &top\n  a: &a [1, 2]\n  b: *a\nref: *top\nseq: [&s x, *s]\n",
        "base: &b {x: 1, y: 2}\nover: &o {y: 3, z: 4}\nm1:\n  <<: *b\n  y: 9\nm2:\n  <<: [*o, *b]\nm3:\n  <<: {q: 1}\n",
        "tags:\n  s: !!str 12\n  i: !!int \"7\"\n  f: !!float 2\n  b: !!bool \"true\"\n  seq: !!seq [a]\n  map: !!map {a: b}\n",
        "%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\na: !e!thing value\nb: !local text\n",
        "---\nfirst: 1\n...\n---\nsecond: 2\n...\n",
        "--- |\n  document literal\n--- >\n  folded doc\n--- 'quoted'\n--- 42\n",
        "numbers: [0, -0, +1, 017, 0x1F, 0b11, 1_000, 1.5, -.5, 6.02e+23, 0.0001, 1e3, 08, 0o17]\n",
        "bools: [yes, No, TRUE, off, On, y, N, true, false]\nnulls: [~, null, Null, NULL, ]\n",
        "strings: [2001-12-14, '2001-12-14', 1:20, =, <<, 1.2.3, 0x, .5_0x, -, '-']\n",
        "keys:\n  1: int\n  true: bool\n  0x10: hex\n  'quoted': q\n  yes: yes\n",
        "dup: 1\ndup: 2\n",
        "nested:\n- - a\n  - b\n- - - c\n-\n  - d\n- key: value\n  other:\n  - x\n",
        "comment: value # trailing\n# full line\nlist: # after key\n- a # item\n",
        "unicode: 日本語\nemoji: 😀\n\"quoted key é\": v\n",
        "empty_values:\n  a:\n  b: ''\n  c: \"\"\n  d: []\n  e: {}\n",
        "? explicit key\n: explicit value\n? |\n  block key\n: v\n",
        "long_plain: this is a long plain scalar that goes on and on with words: no, it has a colon-space\n",
        "broken: [1, 2\n",
        "dupanchor: &x 1\nagain: &x 2\nuse: *x\n",
        "complex: {? [a, b] : c}\n",
        "nullkey: {~: 1}\n",
        "\u{FEFF}bom: 1\n",
        "crlf: a\r\nnext: |\r\n  x\r\n  y\r\n",
        "windows_quoted: \"a\r\n  b\"\n",
        "tab_quoted: \"a\tb\"\nsingle_tab: 'a\tb'\n",
        "deep: [[[[[[[[[[1]]]]]]]]]]\n",
    ]

    @Test func edgeCasesMatchPurePyYAML() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-yaml-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, sample) in Self.samples.enumerated() {
            let url = directory.appendingPathComponent("sample-\(index).yaml")
            try Data(sample.utf8).write(to: url)
            paths.append(url.path)
        }
        let reference = try PyYAMLReference.load(paths: paths, pure: true)
        var differences: [String] = []
        for (index, path) in paths.enumerated() {
            let sample = Self.samples[index]
            guard let expected = reference[path] else {
                differences.append("sample \(index): no PyYAML record")
                continue
            }
            switch (Result { () throws(YAMLError) in try YAML.load(sample) }, expected.documents) {
            case (.success(let documents), let expectedDocuments?):
                if documents != expectedDocuments {
                    let mine = documents.map { $0.serialized() }.joined(separator: " | ")
                    let theirs = expectedDocuments.map { $0.serialized() }.joined(separator: " | ")
                    differences.append(
                        "sample \(index) \(sample.debugDescription):\n  Vigil  \(mine)\n  PyYAML \(theirs)")
                }
            case (.failure, nil):
                break
            case (.failure(let error), _?):
                differences.append(
                    "sample \(index) \(sample.debugDescription): Vigil failed (\(error)), PyYAML loaded it")
            case (.success, nil):
                differences.append(
                    "sample \(index) \(sample.debugDescription): PyYAML failed (\(expected.error ?? "?")), Vigil loaded it"
                )
            }
        }
        #expect(differences.isEmpty, "\(differences.count) samples differ:\n\(differences.joined(separator: "\n"))")
    }
}
