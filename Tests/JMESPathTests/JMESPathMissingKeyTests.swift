import JMESPath
import JSONValue
import Testing

/// Kyverno's engine reports a plain path to a missing key as an error; standard JMESPath gives null.
struct JMESPathMissingKeyTests {
    static let document: JSONValue = [
        "metadata": ["name": "web", "labels": ["app": "web"]],
        "spec": ["containers": [["name": "a", "image": "nginx"], ["name": "b"]]],
    ]

    func search(_ text: String, _ options: JMESPathOptions) throws(JMESPathError) -> JSONValue {
        try JMESPathExpression(text).search(Self.document, options: options)
    }

    @Test(arguments: ["missing", "metadata.missing", "metadata.missing.deeper", "metadata.labels.team", "missing[0]"])
    func plainPathToMissingKeyIsNullByDefault(_ text: String) throws {
        #expect(try search(text, .standard) == .null)
    }

    @Test(arguments: [
        ("missing", "missing"), ("metadata.missing", "missing"), ("metadata.missing.deeper", "missing"),
        ("metadata.labels.team", "team"), ("missing[0]", "missing"), ("metadata.name && metadata.nope", "nope"),
    ])
    func plainPathToMissingKeyIsAnErrorInKyvernoMode(_ text: String, _ key: String) {
        #expect(throws: JMESPathError(.notFound, "Unknown key \"\(key)\" in path", expression: text)) {
            try search(text, .kyverno)
        }
    }

    static let lenientExpressions: [(String, JSONValue)] = [
        ("metadata.labels.team == 'x'", false as JSONValue),
        ("metadata.labels.team != 'x'", true),
        ("metadata.labels.team || 'default'", "default"),
        ("!(metadata.labels.team)", true),
        ("!metadata.labels.team", nil),
        ("not_null(metadata.labels.team, 'fallback')", "fallback"),
        ("spec.containers[*].image", ["nginx"]),
        ("spec.containers[?image == 'nginx'].name", ["a"]),
        ("spec.containers[?image].name", ["a"]),
        ("missing | @", .null),
        ("[metadata.name, metadata.missing]", ["web", nil]),
        ("{team: metadata.labels.team}", ["team": nil]),
        ("metadata.name.missing", .null),
        ("length(metadata.labels.team || '')", 0),
    ]

    @Test(arguments: lenientExpressions)
    func comparisonsFunctionsAndProjectionsTreatMissingKeysAsNull(_ text: String, _ expected: JSONValue) throws {
        #expect(try search(text, .kyverno) == expected)
        #expect(try search(text, .standard) == expected)
    }

    @Test func existingKeysWorkTheSameInBothModes() throws {
        #expect(try search("metadata.labels.app", .kyverno) == "web")
        #expect(try search("spec.containers[1].name", .kyverno) == "b")
    }
}
