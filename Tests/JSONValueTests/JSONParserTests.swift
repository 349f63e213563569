import JSONValue
import Testing

struct JSONParserTests {
    @Test func parsesScalarsAndContainers() throws {
        let value = try JSONValue.parse(#"{"a": [1, -2, 3.5, true, false, null, "x\ny"], "b": {}, "c": []}"#)
        #expect(value["a"] == [1, -2, 3.5, true, false, nil, "x\ny"])
        #expect(value["b"] == .object([:]))
        #expect(value["c"] == .array([]))
    }

    @Test func keepsKeyOrder() throws {
        let value = try JSONValue.parse(#"{"z": 1, "a": 2, "m": 3}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["z", "a", "m"])
        #expect(value.serialized() == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test func acceptsAllJSONWhitespace() throws {
        #expect(try JSONValue.parse(" \t\r\n[ 1 ,\n\t2 ] \r\n") == [1, 2])
    }

    @Test(arguments: [
        ("[1,]", 1, 4, "expected a value"),
        ("{\"a\":1,}", 1, 8, "expected a string object key"),
        ("[NaN]", 1, 2, "expected a value"),
        ("[Infinity]", 1, 2, "expected a value"),
        ("[-Infinity]", 1, 3, "expected a digit"),
        ("\n  [01]", 2, 4, "leading zero"),
        ("[1 2]", 1, 4, "expected ',' or ']'"),
        ("{\"a\" 1}", 1, 6, "expected ':'"),
        ("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}'"),
        ("{1:2}", 1, 2, "expected a string object key"),
        ("[1]x", 1, 4, "after the document's end"),
        ("[1] [2]", 1, 5, "after the document's end"),
        ("", 1, 1, "unexpected end of input"),
        ("   ", 1, 4, "unexpected end of input"),
        ("[", 1, 2, "unexpected end of input"),
        ("{\"a\":", 1, 6, "unexpected end of input"),
        ("[1,\n2,\n", 3, 1, "unexpected end of input"),
        ("\"abc", 1, 5, "unterminated string"),
        ("tru", 1, 4, "invalid literal"),
        ("[truth]", 1, 5, "invalid literal"),
        ("nul", 1, 4, "invalid literal"),
        ("fals", 1, 5, "invalid literal"),
        ("-", 1, 2, "expected a digit"),
        ("[-]", 1, 3, "expected a digit"),
        ("1.", 1, 3, "after the decimal point"),
        ("[1.]", 1, 4, "after the decimal point"),
        (".5", 1, 1, "expected a value"),
        ("1e", 1, 3, "exponent"),
        ("1e+", 1, 4, "exponent"),
        ("1E-x", 1, 4, "exponent"),
        ("+1", 1, 1, "expected a value"),
        ("0x10", 1, 2, "after the document's end"),
        ("'a'", 1, 1, "expected a value"),
        ("[\"a\"\n,\n\"b\" \"c\"]", 3, 5, "expected ',' or ']'"),
        ("\u{FEFF}{}", 1, 1, "byte order mark"),
        ("{\"a\":1}}", 1, 8, "after the document's end"),
        ("[1,,2]", 1, 4, "expected a value"),
        ("{,}", 1, 2, "expected a string object key"),
        ("//c\n1", 1, 1, "expected a value"),
    ])
    func rejectsInvalidInputWithPosition(input: String, line: Int, column: Int, message: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(input) }
        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(error?.message.contains(message) == true, "message: \(error?.message ?? "")")
        #expect(error.map { $0.offset <= input.utf8.count } == true)
    }

    @Test func errorOffsetLineAndColumnAgree() {
        let input = "{\n  \"a\": 1,\n  \"b\": tru\n}"
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(input) }
        #expect(error?.line == 3)
        #expect(error?.column == 11)
        #expect(error?.offset == 22)
        #expect(error?.description.contains("line 3, column 11") == true)
    }

    @Test func duplicateKeysKeepTheLastValueAtTheFirstPosition() throws {
        let value = try JSONValue.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.objectValue.map { Array($0.keys) } == ["a", "b"])
        #expect(value["a"] == 3)
        // The same key written with an escape is the same key.
        let escaped = try JSONValue.parse(#"{"a": 1, "\u0061": 2}"#)
        #expect(escaped.objectValue?.count == 1)
        #expect(escaped["a"] == 2)
    }

    @Test(arguments: [10, 23, 24, 25, 100, 2000])
    func duplicateKeysInLargeObjects(keyCount: Int) throws {
        var text = "{"
        for index in 0..<keyCount { text += "\"k\(index)\": \(index), " }
        text += "\"k0\": -1, \"k\(keyCount - 1)\": -2}"
        let object = try #require(try JSONValue.parse(text).objectValue)
        #expect(object.count == keyCount)
        #expect(object["k0"] == -1)
        #expect(object["k\(keyCount - 1)"] == -2)
        #expect(object.keys.first == "k0")
        #expect(object["k1"] == 1)
    }

    @Test func longKeysAreSharedButDistinct() throws {
        // Keys longer than 15 bytes go through the key cache; similar long keys must stay distinct.
        let keys = (0..<600).map { "app.kubernetes.io/name-\($0)" }
        var text = "["
        for (index, key) in keys.enumerated() {
            text += (index == 0 ? "" : ",") + "{\"\(key)\": \(index), \"\(keys[0])\": 0}"
        }
        text += "]"
        let items = try #require(try JSONValue.parse(text).arrayValue)
        for (index, item) in items.enumerated() {
            #expect(item[keys[index]] == .int(index))
            #expect(item.objectValue?.count == (index == 0 ? 1 : 2))
        }
    }

    @Test func depthLimitIsEnforcedAtTheLimit() throws {
        let limit = JSONParseOptions().maximumDepth
        let atLimit = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONValue.parse(atLimit) }
        let pastLimit = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(pastLimit) }
        #expect(error?.offset == limit)
        #expect(error?.message.contains("nesting") == true)
        let objects = String(repeating: "{\"a\":", count: 4) + "1" + String(repeating: "}", count: 4)
        #expect(throws: JSONParseError.self) {
            try JSONValue.parse(objects, options: JSONParseOptions(maximumDepth: 3))
        }
        #expect(throws: Never.self) { try JSONValue.parse(objects, options: JSONParseOptions(maximumDepth: 4)) }
    }

    @Test func veryDeepInputFailsWithoutCrashing() {
        let deep = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let deepObjects = String(repeating: "{\"a\":", count: 200_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deepObjects) }
    }

    @Test func truncatedDocumentsFailAtEveryPrefix() throws {
        let document = #"{"a":[1,2.5e3,"x\u00e9\n",{"b":null,"c":true}],"d":false,"é":"😀"}"#
        let bytes = Array(document.utf8)
        #expect(throws: Never.self) { try JSONValue.parse(bytes) }
        for length in 0..<bytes.count {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes[0..<length]) }
        }
    }

    @Test func parsesFromBytesStringsAndBuffers() throws {
        let text = #"{"k":[1,"v"]}"#
        let fromString = try JSONValue.parse(text)
        let fromBytes = try JSONValue.parse(Array(text.utf8))
        let fromSequence = try JSONValue.parse(AnySequence(text.utf8))
        let fromBuffer = try Array(text.utf8).withUnsafeBytes { buffer in try JSONValue.parse(buffer: buffer) }
        #expect(fromString == fromBytes)
        #expect(fromString == fromSequence)
        #expect(fromString == fromBuffer)
    }
}
