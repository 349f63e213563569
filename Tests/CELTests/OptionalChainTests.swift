import CEL
import JSONValue
import Testing

/// `a.?b.c[?'k'].orValue(d)` and `.hasValue()` compile to one node that walks the chain; wrapping the chain
/// in `dyn(...)` keeps it apart, so it runs through the separate `_?._`, select, `_[?_]` and `orValue` nodes.
/// Both must give the same value, or the same error.
struct OptionalChainTests {
    static let object: JSONValue = [
        "spec": [
            "securityContext": ["runAsNonRoot": true, "capabilities": ["drop": ["ALL"]]],
            "labels": ["app": "web", "tier": ""],
            "containers": [["name": "a"]],
            "count": 3,
        ]
    ]

    func evaluate(_ source: String) throws -> CELValue {
        try CELEnvironment(variables: ["object"]).compile(source).evaluate(["object": CELValue(json: Self.object)])
    }

    @Test(arguments: [
        ("object.spec.?securityContext.?runAsNonRoot", "false"),
        ("object.spec.?securityContext.?runAsUser", "0"),
        ("object.spec.?missing.?runAsNonRoot", "false"),
        ("object.spec.?securityContext.capabilities.drop", "[]"),
        ("object.spec.?securityContext.missing.drop", "[]"),
        ("object.spec.?labels[?'app']", "'none'"),
        ("object.spec.?labels[?'absent']", "'none'"),
        ("object.spec.?count.?value", "0"),
        ("object.spec.?containers[?'a']", "0"),
        ("object.spec.?labels.?app.?x", "0"),
        ("optional.none().?a", "1"),
        ("optional.of({'a': optional.of(1)}).?a", "2"),
        ("optional.of({'a': optional.none()}).?a.?b", "2"),
        ("{'a': {'b': 1}}.?a.b", "0"),
        ("object.spec.?securityContext.?runAsNonRoot", "1 / 0"),
        ("object.spec.?missing", "1 / 0"),
        ("object.nothing.?a", "0"),
    ])
    func orValueAgreesWithTheUnfusedNodes(chain: String, fallback: String) throws {
        let fused = try evaluate("\(chain).orValue(\(fallback))")
        let separate = try evaluate("dyn(\(chain)).orValue(\(fallback))")
        #expect(CELValue.identical(fused, separate), "\(chain): \(fused) vs \(separate)")
        let hasFused = try evaluate("\(chain).hasValue()")
        let hasSeparate = try evaluate("dyn(\(chain)).hasValue()")
        #expect(CELValue.identical(hasFused, hasSeparate), "\(chain): \(hasFused) vs \(hasSeparate)")
    }

    @Test func chainsFindValuesAndFallBack() throws {
        #expect(CELValue.identical(try evaluate("object.spec.?securityContext.?runAsNonRoot.orValue(false)"), true))
        #expect(CELValue.identical(try evaluate("object.spec.?labels[?'app'].orValue('none')"), "web"))
        #expect(CELValue.identical(try evaluate("object.spec.?labels[?'absent'].orValue('none')"), "none"))
        #expect(try evaluate("object.spec.?count.?value.orValue(0)").isError)
        // The fallback is evaluated only when needed, as cel-go does.
        #expect(!(try evaluate("object.spec.?securityContext.orValue(1 / 0)").isError))
        #expect(try evaluate("object.spec.?absent.orValue(1 / 0)").isError)
    }
}

/// `a.b.c.d` walks wrapped JSON objects in one node; `dyn(...)` around each step keeps the steps apart.
struct SelectChainTests {
    @Test(arguments: [
        ("object", ["spec", "labels", "app"]), ("object", ["spec", "securityContext", "capabilities", "drop"]),
        ("object", ["spec", "missing", "app"]), ("object", ["spec", "count", "value"]),
        ("object", ["spec", "containers", "name"]), ("object", ["spec", "labels", "tier"]),
        ("{'a': {'b': object.spec}}", ["a", "b", "labels", "app"]), ("{'a': 1}", ["a", "b", "c"]),
    ])
    func fusedSelectionAgreesWithSingleSteps(base: String, fields: [String]) throws {
        let environment = CELEnvironment(variables: ["object"])
        let variables = ["object": CELValue(json: OptionalChainTests.object)]
        let fused = try environment.compile(([base] + fields).joined(separator: ".")).evaluate(variables)
        let stepwise = fields.reduce(base) { "dyn(\($0)).\($1)" }
        let separate = try environment.compile(stepwise).evaluate(variables)
        #expect(CELValue.identical(fused, separate), "\(fields): \(fused) vs \(separate)")
        let has = "has(\(([base] + fields).joined(separator: ".")))"
        let hasStepwise = "has(\(fields.dropLast().reduce(base) { "dyn(\($0)).\($1)" }).\(fields.last ?? ""))"
        #expect(
            CELValue.identical(
                try environment.compile(has).evaluate(variables),
                try environment.compile(hasStepwise).evaluate(variables)))
    }
}

/// `contains`, `startsWith`, `endsWith` and `==` compare UTF-8 bytes (code points), never canonical
/// equivalence.
struct StringBytesTests {
    @Test(arguments: [
        ("'registry.k8s.io/pause:3.9'.contains('pause')", true), ("'abc'.contains('')", true),
        ("''.contains('a')", false), ("'ab'.contains('abc')", false), ("'aab'.contains('ab')", true),
        ("'Ame\\u0301lie'.contains('\\u00E9')", false), ("'Amélie'.contains('él')", true),
        ("'abc'.startsWith('ab')", true), ("'abc'.startsWith('abcd')", false), ("'abc'.startsWith('')", true),
        ("'abc'.endsWith('bc')", true), ("'abc'.endsWith('abc')", true), ("'abc'.endsWith('xabc')", false),
        ("'\\u00E9'.endsWith('e\\u0301')", false), ("'Amélie' == 'Amélie'", true), ("'a' == 'ab'", false),
    ])
    func bytes(source: String, expected: Bool) throws {
        let value = try CELEnvironment().compile(source).evaluate()
        #expect(CELValue.identical(value, .bool(expected)), "\(source)")
    }
}
