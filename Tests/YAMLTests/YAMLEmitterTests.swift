import JSONValue
import Testing
import YAML

@Suite struct YAMLEmitterTests {
    @Test func kubernetesObjectExactText() throws {
        let pod = try JSONValue.parse(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default",
             "labels":{"app":"web","version":"1.2.3"},"annotations":{"note":"multi\\nline\\n"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx:1.25","args":["--port=8080","-v"],
             "env":[{"name":"ENABLED","value":"yes"},{"name":"COUNT","value":"10"},{"name":"EMPTY","value":""}],
             "ports":[{"containerPort":80}],"resources":{}}],"tolerations":[],"priority":0.5,
             "nodeSelector":null,"hostNetwork":false}}
            """
        )
        let expected = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: default
              labels:
                app: web
                version: 1.2.3
              annotations:
                note: |
                  multi
                  line
            spec:
              containers:
              - name: nginx
                image: nginx:1.25
                args:
                - --port=8080
                - -v
                env:
                - name: ENABLED
                  value: "yes"
                - name: COUNT
                  value: "10"
                - name: EMPTY
                  value: ""
                ports:
                - containerPort: 80
                resources: {}
              tolerations: []
              priority: 0.5
              nodeSelector: null
              hostNetwork: false

            """
        #expect(YAML.emit(pod) == expected)
        #expect(try YAML.load(expected) == [pod])
    }

    @Test func documentsAreSeparated() {
        let text = YAML.emit(documents: [["a": 1], "text", [1, [2, 3], ["k": "v", "l": [true]]], .null])
        #expect(
            text == """
                a: 1
                ---
                text
                ---
                - 1
                - - 2
                  - 3
                - k: v
                  l:
                  - true
                ---
                null

                """
        )
        #expect(YAML.emit(documents: []) == "")
    }

    @Test(arguments: [
        // Each of these would read back as something else, or not parse, if written plain.
        "yes", "No", "y", "N", "on", "OFF", "true", "null", "~", "", "1", "-1", "+1", "0x1F", "0o17", "017",
        "0b1", "1_000", "1.5", ".5", "1e3", ".inf", "-.inf", ".nan", "2001-12-14", "2001-12-14 21:59:43.10 -5",
        "1:20", "190:20:30.15", "=", "<<", " lead", "trail ", "a: b", "a #c", "#c", "- a", "-", "?", ":", "? a",
        ": a", "key:", "[a]", "]", "{a}", "}", ",a", "&a", "*a", "!a", "|a", ">a", "'a", "\"a", "%a", "@a", "`a",
        "---", "--- a", "...", "tab\there", "cr\rhere", "nel\u{85}", "ls\u{2028}", "bom\u{FEFF}", "nul\u{0}",
        "bell\u{7}", "del\u{7F}", "c1\u{9B}", "\n", "\n\n", " \n", "a\n ", "\ta\nb",
    ])
    func ambiguousStringsAreQuotedAndRoundTrip(_ string: String) throws {
        let value: JSONValue = ["k": .string(string), string: "v", "list": [.string(string)]]
        let text = YAML.emit(value)
        #expect(try YAML.load(text) == [value], "\(text)")
        #expect(YAML.emit(.string(string)).hasPrefix("\"") || string.contains("\n"), "\(YAML.emit(.string(string)))")
    }

    @Test(arguments: [
        "plain", "nginx:1.25", "--flag=value", "-v", "a:b", "a#b", "ünïcødé 日本", "http://example.com/x?y=1",
        "with spaces inside", "Yes!", "1.2.3-beta", "1.2.3", "v1", "10Gi", "100m", "a,b", "x[0]",
    ])
    func ordinaryStringsStayPlain(_ string: String) throws {
        #expect(YAML.emit(.string(string)) == string + "\n")
        #expect(try YAML.load(YAML.emit(["k": .string(string)])) == [["k": .string(string)]])
    }

    @Test func multiLineStringsUseLiteralBlocks() throws {
        let cases: [(String, String)] = [
            ("a\nb", "k: |-\n  a\n  b\n"),
            ("a\nb\n", "k: |\n  a\n  b\n"),
            ("a\nb\n\n", "k: |+\n  a\n  b\n\n"),
            ("  indented\nb\n", "k: |2\n    indented\n  b\n"),
            ("\nleading\n", "k: |\n\n  leading\n"),
            ("trailing space \nb", "k: \"trailing space \\nb\"\n"),
        ]
        for (string, expected) in cases {
            let text = YAML.emit(["k": .string(string)])
            #expect(text == expected)
            #expect(try YAML.load(text) == [["k": .string(string)]])
        }
        #expect(YAML.emit(["- |\n x": ["a\nb"]]) == "\"- |\\n x\":\n- |-\n  a\n  b\n")
    }

    @Test func numbersAndEmptyCollections() throws {
        let value: JSONValue = ["i": -42, "d": 1.0, "e": 1.5e300, "s": .double(.leastNonzeroMagnitude), "z": -0.0, "a": [], "o": [:]]
        let text = YAML.emit(value)
        #expect(text == "i: -42\nd: 1.0\ne: 1.5e+300\ns: 5e-324\nz: -0.0\na: []\no: {}\n")
        let loaded = try YAML.loadSingle(text)
        #expect(loaded == value)
        if case .double = loaded["d"] {} else { Issue.record("1.0 should read back as a double") }
    }

    @Test func veryLongKeysUseExplicitForm() throws {
        let key = String(repeating: "k", count: 2000)
        let value: JSONValue = .object([key: ["x": 1], "short": [1, 2], "b": "x\ny"])
        let text = YAML.emit(value)
        #expect(text.hasPrefix("? \(key)\n:\n  x: 1\n"))
        #expect(try YAML.load(text) == [value])
    }

    /// `load(emit(x)) == [x]` for seeded random documents with hostile strings.
    @Test(arguments: 0..<4)
    func randomDocumentsRoundTrip(_ seed: UInt64) throws {
        var generator = RandomJSON(seed: seed &* 0x9E37_79B9 &+ 17)
        for _ in 0..<250 {
            let value = generator.value(depth: 0)
            let text = YAML.emit(value)
            let loaded: [JSONValue]
            do {
                loaded = try YAML.load(text)
            } catch {
                Issue.record("emitted text does not load: \(error)\n\(text)")
                continue
            }
            #expect(loaded == [value], "\(text)")
        }
    }
}

/// A seeded generator of JSON values whose strings mix YAML's special words, indicators, numbers,
/// whitespace, line breaks and Unicode.
struct RandomJSON {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    static let fragments = [
        "yes", "no", "y", "n", "on", "off", "true", "null", "~", "0x1F", "0o7", "017", "0b1", "1_0", "1e3", ".5",
        ".inf", ".nan", "1:20", "2001-12-14", "<<", "=", "-", "--", "---", "...", "?", ":", ": ", " #", "#", "&", "*",
        "!", "|", ">", "'", "\"", "%", "@", "`", ",", "[", "]", "{", "}", " ", "  ", "\t", "\n", "\r", "\r\n",
        "\u{85}", "\u{2028}", "\u{FEFF}", "\u{0}", "\u{1B}", "\u{7F}", "é", "日本", "😀", "\\", "a", "key", "value",
        "1", "-1", "0", "+", "1.5", "Z", "T", "x",
    ]

    mutating func string() -> String {
        var text = ""
        for _ in 0..<below(5) { text += Self.fragments[below(Self.fragments.count)] }
        return text
    }

    mutating func value(depth: Int) -> JSONValue {
        switch below(depth > 3 ? 5 : 8) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2: return .int(Int(bitPattern: UInt(next())) >> below(64))
        case 3:
            let candidates = [0.5, -0.0, 1e300, .leastNonzeroMagnitude, 123.456, -1e-7, 1.0, 3.0e20]
            return .double(candidates[below(candidates.count)] * Double(below(3) + 1))
        case 4: return .string(string())
        case 5, 6:
            var object = JSONObject()
            for _ in 0..<below(5) { object[string()] = value(depth: depth + 1) }
            return .object(object)
        default:
            return .array((0..<below(5)).map { _ in value(depth: depth + 1) })
        }
    }
}
