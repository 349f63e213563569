import JSONValue
import Testing
import YAML

@Suite struct YAMLLoadTests {
    @Test func kubernetesManifest() throws {
        let loaded = try YAML.loadSingle(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web, tier: "frontend"}
            spec:
              replicas: 3
              template:
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.25
                    args: ["--port=8080", '--verbose']
                    ports:
                      - containerPort: 80
                        protocol: TCP
            """
        )
        let expected: JSONValue = [
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": ["name": "web", "labels": ["app": "web", "tier": "frontend"]],
            "spec": [
                "replicas": 3,
                "template": [
                    "spec": [
                        "containers": [
                            [
                                "name": "nginx",
                                "image": "nginx:1.25",
                                "args": ["--port=8080", "--verbose"],
                                "ports": [["containerPort": 80, "protocol": "TCP"]],
                            ]
                        ]
                    ]
                ],
            ],
        ]
        #expect(loaded == expected)
        #expect(loaded.objectValue.map { Array($0.keys) } == ["apiVersion", "kind", "metadata", "spec"])
    }

    @Test func multipleDocumentsAndMarkers() throws {
        let documents = try YAML.load("---\na: 1\n...\n---\nb: 2\n---\n- x\n")
        #expect(documents == [["a": 1], ["b": 2], ["x"]])
    }

    /// kubectl's reader skips documents with no content; an explicit null is a document.
    @Test func emptyDocumentsAreSkipped() throws {
        #expect(try YAML.load("").isEmpty)
        #expect(try YAML.load("# only a comment\n").isEmpty)
        #expect(try YAML.load("---\n---\n# nothing\n---\n").isEmpty)
        #expect(try YAML.load("---\na: 1\n---\n\n---\nb: 2\n") == [["a": 1], ["b": 2]])
        #expect(try YAML.load("--- ~\n--- null\n---\n''\n") == [.null, .null, ""])
    }

    @Test func loadSingleNeedsExactlyOneDocument() throws {
        #expect(try YAML.loadSingle("--- \n# c\n---\nk: v\n") == ["k": "v"])
        for text in ["", "# x", "a: 1\n---\nb: 2"] {
            let error = #expect(throws: YAMLError.self) { try YAML.loadSingle(text) }
            #expect(error?.kind == .documentCount)
        }
    }

    @Test func blockScalarStylesAndChomping() throws {
        let loaded = try YAML.loadSingle(
            """
            literal: |
              line 1
                indented
              line 3
            strip: |-
              text

            keep: |+
              text

            folded: >
              one
              two

              three
            foldedStrip: >-
              a
              b
            indicator: |2
                four spaces
            single: 'it''s'
            double: "tab\\there \\u00e9 \\x41 \\"q\\""
            plainMultiLine: first
              second
            """
        )
        #expect(loaded["literal"] == "line 1\n  indented\nline 3\n")
        #expect(loaded["strip"] == "text")
        #expect(loaded["keep"] == "text\n\n")
        #expect(loaded["folded"] == "one two\nthree\n")
        #expect(loaded["foldedStrip"] == "a b")
        #expect(loaded["indicator"] == "  four spaces\n")
        #expect(loaded["single"] == "it's")
        #expect(loaded["double"] == "tab\there é A \"q\"")
        #expect(loaded["plainMultiLine"] == "first second")
    }

    @Test func flowCollectionsAndComments() throws {
        let loaded = try YAML.loadSingle("{a: [1, 2, {b: c}], d: [], e: {}}  # trailing\n")
        #expect(loaded == ["a": [1, 2, ["b": "c"]], "d": [], "e": [:]])
    }

    @Test func anchorsAndAliases() throws {
        let loaded = try YAML.loadSingle(
            """
            base: &base {cpu: 100m, memory: 1Gi}
            copy: *base
            list: [&x 1, *x, *x]
            redefined: &base other
            after: *base
            """
        )
        #expect(loaded["copy"] == ["cpu": "100m", "memory": "1Gi"])
        #expect(loaded["list"] == [1, 1, 1])
        #expect(loaded["after"] == "other")
    }

    @Test func anchorsDoNotCrossDocuments() throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load("a: &x 1\n---\nb: *x\n") }
        #expect(error?.kind == .undefinedAlias)
        #expect(error?.line == 3)
    }

    @Test func mergeKeys() throws {
        let loaded = try YAML.loadSingle(
            """
            defaults: &defaults {a: 1, b: 2}
            extra: &extra {b: 20, c: 30}
            single:
              <<: *defaults
              b: explicit
            sequence:
              <<: [*extra, *defaults]
            inline:
              <<: {x: 1}
              w: 2
            quoted:
              "<<": *defaults
            tagged:
              !!merge <<: *defaults
            """
        )
        #expect(loaded["single"] == ["a": 1, "b": "explicit"])
        #expect(loaded["sequence"] == ["b": 20, "c": 30, "a": 1])
        #expect(loaded["inline"] == ["x": 1, "w": 2])
        #expect(loaded["quoted"] == ["<<": ["a": 1, "b": 2]])
        #expect(loaded["tagged"] == ["a": 1, "b": 2])
    }

    /// go-yaml v2 writes merged keys where `<<` appears, so a key written before `<<` is overridden.
    @Test func mergeFollowsDocumentOrderLikeGoYAMLv2() throws {
        let loaded = try YAML.loadSingle("d: &d {a: 1, b: 2}\nm:\n  a: before\n  <<: *d\n  b: after\n")
        #expect(loaded["m"] == ["a": 1, "b": "after"])
        #expect(loaded["m"]?.objectValue.map { Array($0.keys) } == ["a", "b"])
    }

    @Test(arguments: ["<<: 1", "<<: [1]", "<<: [[]]", "s: &s [{a: 1}]\nm:\n  <<: *s", "<<:"])
    func invalidMergeValues(_ text: String) throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load(text) }
        #expect(error?.kind == .invalidMerge)
    }

    @Test func nonStringKeysBecomeStringsAsSigsYAMLMakesThem() throws {
        let loaded = try YAML.loadSingle(
            "1: int\n0x10: hex\ntrue: bool\nno: false\n1.5: float\n1e6: big\n0.00001: small\n.inf: inf\n'7': quoted\n"
        )
        #expect(
            loaded.objectValue.map { Array($0.keys) } == [
                "1", "16", "true", "false", "1.5", "1e+06", "1e-05", ".inf", "7",
            ]
        )
    }

    @Test(arguments: ["~: x", "null: x", "? \n: x", "18446744073709551615: x", "[a]: x", "{a: 1}: x", "? - a\n: x"])
    func unsupportedKeys(_ text: String) throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load(text) }
        #expect(error?.kind == .unsupportedKey)
        #expect(error?.line == 1)
    }

    @Test func aliasToCollectionAsKeyIsRejected() throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load("a: &m {x: 1}\n*m : v\n") }
        #expect(error?.kind == .unsupportedKey)
        #expect(error?.line == 2)
        #expect(try YAML.loadSingle("a: &k 12\n*k : v\n")["12"] == "v")
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let loaded = try YAML.loadSingle("a: 1\nb: 2\na: 3\n")
        #expect(loaded == ["a": 3, "b": 2])
        #expect(loaded.objectValue.map { Array($0.keys) } == ["a", "b"])
    }

    @Test func utf16WithByteOrderMark() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "k: é".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try YAML.load(bytes: bytes) == [["k": "é"]])
    }

    @Test func utf8ByteOrderMarkIsIgnored() throws {
        #expect(try YAML.load(bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1".utf8)) == [["a": 1]])
    }
}
