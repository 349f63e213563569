import JMESPath
import JSONValue
import Testing

struct JMESPathExpressionTests {
    static let pod: JSONValue = [
        "metadata": ["name": "web", "labels": ["app.kubernetes.io/name": "web", "tier": "front"]],
        "spec": [
            "containers": [
                ["name": "a", "image": "nginx:1.27", "securityContext": ["privileged": true]],
                ["name": "b", "image": "busybox", "securityContext": ["privileged": false]],
                ["name": "c", "image": "redis"],
            ]
        ],
    ]

    static let policyExpressions: [(String, JSONValue)] = [
        ("spec.containers[?securityContext.privileged == `true`].name", ["a"] as JSONValue),
        ("metadata.labels.\"app.kubernetes.io/name\"", "web"),
        ("spec.containers[?contains(image, 'nginx')] | length(@)", 1),
        ("spec.containers[].{n: name, i: image}[?n == 'c'].i", ["redis"]),
        ("spec.containers[-1:].name", ["c"]),
        ("spec.containers[::-1].name | join(',', @)", "c,b,a"),
        ("sort_by(spec.containers, &image)[0].name", "b"),
        ("to_string(length(keys(metadata.labels)))", "2"),
        ("max_by(spec.containers, &name).image", "redis"),
        ("map(&name, spec.containers)", ["a", "b", "c"]),
    ]

    @Test(arguments: policyExpressions)
    func evaluatesPolicyStyleExpressions(_ text: String, _ expected: JSONValue) throws {
        #expect(try JMESPathExpression(text).search(Self.pod) == expected)
    }

    @Test func syntaxErrorShowsTheExpressionWithACaret() {
        do {
            _ = try JMESPathExpression("spec.containers[?name == ]")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.offset == 25)
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("syntax: ") == true)
            #expect(lines.dropFirst().first == "  spec.containers[?name == ]")
            #expect(lines.last == "  " + String(repeating: " ", count: 25) + "^")
        }
    }

    @Test(arguments: ["foo.", "foo[", "[1,", "foo ==", "`\"abc`", "'abc", "a = b", "f(a,)", "{a: 1, }", "\"f\"(a)"])
    func malformedExpressionsAreSyntaxErrors(_ text: String) {
        #expect(throws: JMESPathError.self) { try JMESPathExpression(text) }
        do {
            _ = try JMESPathExpression(text)
        } catch {
            #expect(error.kind == .syntax, "\(error)")
        }
    }

    @Test(arguments: [
        String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000),
        Array(repeating: "a", count: 20_000).joined(separator: "."),
        Array(repeating: "a", count: 20_000).joined(separator: " | "),
        String(repeating: "!", count: 20_000) + "a",
        String(repeating: "[", count: 10_000) + "a" + String(repeating: "]", count: 10_000),
        String(repeating: "a[*].", count: 5_000) + "b",
    ])
    func deepNestingIsALimitErrorNotACrash(_ text: String) {
        do {
            _ = try JMESPathExpression(text)
            Issue.record("expected a limit error")
        } catch {
            #expect(error.kind == .limitExceeded, "\(error.message)")
        }
    }

    @Test func nestingWithinTheLimitCompilesAndEvaluates() throws {
        let text = Array(repeating: "a", count: 100).joined(separator: ".")
        var document: JSONValue = 42
        for _ in 0..<100 { document = ["a": document] }
        #expect(try JMESPathExpression(text).search(document) == 42)
    }

    @Test func doublingResultsHitTheBuildLimit() throws {
        let text = "@" + String(repeating: " | [@, @]", count: 64)
        let expression = try JMESPathExpression(text)
        let options = JMESPathOptions(maximumBuiltNodes: 10_000)
        do {
            _ = try expression.search([1, 2, 3], options: options)
            Issue.record("expected a limit error")
        } catch {
            #expect(error.kind == .limitExceeded)
        }
        let small = try JMESPathExpression("@ | [@, @] | [@, @]")
        #expect(try small.search(1) == [[1, 1], [1, 1]])
    }

    @Test func onlyValuesBuiltFromBuiltValuesCountAgainstTheBudget() throws {
        let options = JMESPathOptions(maximumBuiltNodes: 20)
        // Multi-selects over parts of the document cannot grow beyond a multiple of it: not counted.
        let direct = try JMESPathExpression("spec.[containers, containers][][].name")
        #expect(try direct.search(Self.pod, options: options) == ["a", "b", "c", "a", "b", "c"])
        // A multi-select over a built value is counted: the pod is far larger than 20 nodes.
        let stacked = try JMESPathExpression("[spec, spec] | [@, @]")
        do {
            _ = try stacked.search(Self.pod, options: options)
            Issue.record("expected a limit error")
        } catch {
            #expect(error.kind == .limitExceeded)
        }
    }

    static let extremeSlices: [(String, JSONValue)] = [
        ("[9223372036854775807]", JSONValue.null),
        ("[-9223372036854775808]", .null),
        ("[99999999999999999999999]", .null),
        ("[-9223372036854775808:]", [0, 1, 2]),
        ("[:9223372036854775807:9223372036854775807]", [0]),
        ("[::-9223372036854775808]", [2]),
        ("[9223372036854775807::-1]", [2, 1, 0]),
        ("[1:-9223372036854775808:-1]", [1, 0]),
    ]

    @Test(arguments: extremeSlices)
    func extremeIndicesAndSlicesDoNotTrap(_ text: String, _ expected: JSONValue) throws {
        #expect(try JMESPathExpression(text).search([0, 1, 2]) == expected)
    }

    @Test func sliceStepZeroIsAnInvalidValue() throws {
        let expression = try JMESPathExpression("[::0]")
        #expect(throws: JMESPathError.self) { try expression.search([1]) }
        do {
            _ = try expression.search([1])
        } catch {
            #expect(error.kind == .invalidValue)
        }
    }

    @Test func oneCompiledExpressionServesManyThreads() async throws {
        let expression = try JMESPathExpression("spec.containers[?securityContext.privileged].name")
        let results = await withTaskGroup(of: JSONValue?.self) { group in
            for _ in 0..<16 {
                group.addTask { try? expression.search(Self.pod) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == ["a"] })
    }

    @Test func astDescriptionShowsTheTree() throws {
        let ast = try JMESPathExpression("a.b[?c > `1`] | length(@)").ast
        let text = ast.description
        #expect(text.hasPrefix("Pipe\n"))
        #expect(text.contains("FilterProjection"))
        #expect(text.contains("Comparison >"))
        #expect(text.contains("Function length"))
        #expect(text.contains("Field \"b\""))
    }
}
