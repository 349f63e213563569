import JSONValue
import Testing

struct JSONParserTests {
    @Test func parsesScalarsAndContainers() throws {
        let value = try JSONValue.parse(#"{"a": [1, -2, 3.5, true, false, null, "x\ny"], "b": {}}"#)
        #expect(value["a"] == [1, -2, 3.5, true, false, nil, "x\ny"])
        #expect(value["b"] == .object([:]))
    }

    @Test func keepsKeyOrder() throws {
        let value = try JSONValue.parse(#"{"z": 1, "a": 2, "m": 3}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["z", "a", "m"])
        #expect(value.serialized() == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test(arguments: [
        ("[1,]", 1, 4),
        ("{\"a\":1,}", 1, 8),
        ("[NaN]", 1, 2),
        ("\n  [01]", 2, 5),
        ("\"\\ud800\"", 1, 2),
        ("[1 2]", 1, 4),
    ])
    func rejectsInvalidInputWithPosition(input: String, line: Int, column: Int) {
        #expect {
            _ = try JSONValue.parse(input)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.line == line && error.column == column
        }
    }

    @Test func integersBeyond64BitsFailClearly() throws {
        #expect(throws: JSONParseError.self) { try JSONValue.parse("18446744073709551616") }
        #expect(try JSONValue.parse("-9223372036854775808") == .int(Int.min))
        #expect(try JSONValue.parse("9223372036854775807") == .int(Int.max))
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONValue.parse(#""\ud83d\ude00""#) == "😀")
    }

    @Test func depthLimitIsEnforced() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }
}
