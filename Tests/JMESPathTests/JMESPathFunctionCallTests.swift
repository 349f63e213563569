import JMESPath
import JSONValue
import Testing

/// The engine checks arity and argument types from a function's parameters before calling its body.
struct JMESPathFunctionCallTests {
    static let registry: JMESPathFunctionRegistry = {
        var registry = JMESPathFunctionRegistry.standard
        registry.register(
            JMESPathFunction(
                name: "pad", parameters: [JMESPathParameter(.string), JMESPathParameter(.number, optional: true)],
                returns: .string, summary: "Pads a string."
            ) { arguments in
                let width = arguments.count > 1 ? arguments[1].value.intValue ?? 0 : 4
                let text = arguments[0].value.stringValue ?? ""
                return .string(String(repeating: " ", count: max(0, width - text.count)) + text)
            })
        registry.register(
            JMESPathFunction(
                name: "sum", parameters: [JMESPathParameter(.arrayOf(.number))], returns: .number,
                summary: "Replaced: fails on an empty array."
            ) { arguments throws(JMESPathError) in
                guard let numbers = arguments[0].value.arrayValue, !numbers.isEmpty else {
                    throw JMESPathError(.invalidValue, "sum() of an empty array")
                }
                return .int(numbers.count)
            })
        return registry
    }()

    func search(_ text: String, _ document: JSONValue = [:]) throws(JMESPathError) -> JSONValue {
        try JMESPathExpression(text).search(document, functions: Self.registry)
    }

    func errorKind(_ text: String) -> JMESPathError.Kind? {
        do {
            _ = try search(text)
            return nil
        } catch {
            return error.kind
        }
    }

    @Test func optionalParametersMayBeLeftOut() throws {
        #expect(try search("pad('ab')") == "  ab")
        #expect(try search("pad('ab', `3`)") == " ab")
    }

    @Test(arguments: [
        ("pad()", JMESPathError.Kind.invalidArity), ("pad('a', `1`, `2`)", .invalidArity),
        ("pad(`1`)", .invalidType), ("pad('a', 'b')", .invalidType), ("pad(&foo)", .invalidType),
        ("nope(`1`)", .unknownFunction), ("length(&foo)", .invalidType), ("not_null()", .invalidArity),
        ("sort(`[1, \"a\"]`)", .invalidType), ("sum(`[]`)", .invalidValue),
        ("sort_by(`[{\"a\": 1}, {\"a\": \"x\"}]`, &a)", .invalidType), ("map(`1`, `[]`)", .invalidType),
    ])
    func badCallsFailWithTheSpecificationsErrorClass(_ text: String, _ kind: JMESPathError.Kind) {
        #expect(errorKind(text) == kind)
    }

    @Test func registeredFunctionReplacesTheStandardOne() throws {
        #expect(try search("sum(`[5, 6, 7]`)") == 3)
        #expect(try JMESPathExpression("sum(`[5, 6, 7]`)").search([:]) == 18)
    }

    @Test func standardRegistryHasTheTwentySixBuiltIns() {
        let names = JMESPathFunctionRegistry.standard.functions.map(\.name)
        #expect(
            names == [
                "abs", "avg", "ceil", "contains", "ends_with", "floor", "join", "keys", "length", "map", "max",
                "max_by", "merge", "min", "min_by", "not_null", "reverse", "sort", "sort_by", "starts_with", "sum",
                "to_array", "to_number", "to_string", "type", "values",
            ])
    }

    static let edgeCases: [(String, JSONValue)] = [
        ("abs(`-9223372036854775808`)", JSONValue.double(9_223_372_036_854_775_808)),
        ("sum(`[9223372036854775807, 1]`)", .double(9_223_372_036_854_775_808)),
        ("length('héllo ✓')", 7),
        ("reverse('ab✓')", "✓ba"),
        ("sort(['b', 'a', 'B'])", ["B", "a", "b"]),
        ("to_number('1e3')", 1000),
        ("to_number('abc')", nil),
        ("to_string(`{\"a\": [1, true]}`)", "{\"a\":[1,true]}"),
        ("merge(`{\"a\": 1, \"b\": 2}`, `{\"a\": 3}`)", ["a": 3, "b": 2]),
        ("min_by(`[{\"n\": 2}, {\"n\": 1}]`, &n).n", 1),
        ("starts_with('café', 'caf')", true),
        ("ends_with('café', 'fé')", true),
        ("contains('abc', '')", true),
    ]

    @Test(arguments: edgeCases)
    func standardFunctionsHandleEdgeCases(_ text: String, _ expected: JSONValue) throws {
        #expect(try JMESPathExpression(text).search([:]) == expected)
    }
}
