import CEL
import Testing

/// The parser: literals, precedence, macros, optional syntax, and refusals with positions.
struct ParserTests {
    func evaluate(_ source: String) throws -> CELValue {
        try CELEnvironment().compile(source).evaluate()
    }

    @Test(arguments: [
        ("1 + 2 * 3", CELValue.int(7)), ("(1 + 2) * 3", .int(9)), ("10 - 4 - 3", .int(3)), ("7 % 4 * 2", .int(6)),
        ("-9223372036854775808", .int(Int64.min)), ("0x10", .int(16)), ("0x10u", .uint(16)),
        ("18446744073709551615u", .uint(UInt64.max)),
        ("1e3", .double(1000)), (".5", .double(0.5)), ("--1", .int(1)), ("!!true", .bool(true)),
        ("true ? 1 : 2", .int(1)), ("false ? 1 : true ? 2 : 3", .int(2)), ("1 < 2 == true", .bool(true)),
        ("true || false && false", .bool(true)), ("2 in [1, 2]", .bool(true)),
    ])
    func precedenceAndNumbers(source: String, expected: CELValue) throws {
        #expect(CELValue.identical(try evaluate(source), expected))
    }

    @Test(arguments: [
        (#""\a\b\f\n\r\t\v\\\'\"\`\?""#, "\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\'\"`?"),
        (#""\x41\101\u0041\U00000041""#, "AAAA"), (#"r"\n\x41""#, #"\n\x41"#), ("'''a\n'b'''", "a\n'b"),
        (#""""x"y""""#, #"x"y"#), (#"R'\d'"#, #"\d"#), (#""\u00e9""#, "é"),
    ])
    func stringLiterals(source: String, expected: String) throws {
        #expect(CELValue.identical(try evaluate(source), .string(expected)))
    }

    @Test func bytesLiterals() throws {
        #expect(CELValue.identical(try evaluate(#"b"\xff\001a""#), .bytes([0xFF, 0x01, 0x61])))
        #expect(CELValue.identical(try evaluate(#"rb"\x""#), .bytes(Array(#"\x"#.utf8))))
        #expect(CELValue.identical(try evaluate(#"b"é""#), .bytes([0xC3, 0xA9])))
    }

    @Test(arguments: [
        "1 +", "9223372036854775808", "18446744073709551616u", "\"unterminated", "a.b{c: 1}", "Msg{}", "if", "1 = 2",
        "has(a)", "[1, 2].all(1, true)", "\"\\z\"", "'\n'", "a.?", "(1",
    ])
    func refusesInvalidSource(source: String) {
        #expect(throws: CELCompileError.self) { try CELEnvironment(variables: ["a", "x"]).compile(source) }
    }

    @Test func errorsCarryPositions() {
        do {
            _ = try CELEnvironment().compile("1 +\n  & 2")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 3)
        }
    }

    @Test func hostileNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: CELCompileError.self) { try CELEnvironment().compile(deep) }
        let long = Array(repeating: "1", count: 2000).joined(separator: " + ")
        #expect(throws: CELCompileError.self) { try CELEnvironment().compile(long) }
        let unary = String(repeating: "-", count: 100_001)
        #expect(throws: CELCompileError.self) { try CELEnvironment().compile(unary) }
        let members = "a" + String(repeating: ".b", count: 3000)
        #expect(throws: CELCompileError.self) { try CELEnvironment(variables: ["a"]).compile(members) }
    }

    @Test func macrosExpand() throws {
        #expect(CELValue.identical(try evaluate("[1, 2, 3].all(x, x > 0)"), .bool(true)))
        #expect(CELValue.identical(try evaluate("[1, 2, 3].exists(x, x > 2)"), .bool(true)))
        #expect(CELValue.identical(try evaluate("[1, 2, 3].exists_one(x, x > 1)"), .bool(false)))
        #expect(CELValue.identical(try evaluate("[1, 2, 3].map(x, x * 2)"), .list(CELList([2, 4, 6]))))
        #expect(CELValue.identical(try evaluate("[1, 2, 3].map(x, x > 1, x * 2)"), .list(CELList([4, 6]))))
        #expect(CELValue.identical(try evaluate("[1, 2, 3].filter(x, x != 2)"), .list(CELList([1, 3]))))
        #expect(CELValue.identical(try evaluate("{'a': 1}.exists(k, k == 'a')"), .bool(true)))
        #expect(CELValue.identical(try evaluate("has({'a': 1}.a)"), .bool(true)))
        #expect(CELValue.identical(try evaluate("[[1], [2, 3]].all(x, x.all(y, y > 0))"), .bool(true)))
    }

    @Test func reservedWordsAreFieldNames() throws {
        #expect(CELValue.identical(try evaluate("{'while': 1}.while + {'in': 2}['in']"), .int(3)))
    }

    @Test func optionalSyntax() throws {
        #expect(CELValue.identical(try evaluate("{'a': 1}.?a"), .optional(.int(1))))
        #expect(CELValue.identical(try evaluate("{'a': 1}.?b"), .optional(nil)))
        #expect(CELValue.identical(try evaluate("{'a': 1}.?b.orValue(5)"), .int(5)))
        #expect(CELValue.identical(try evaluate("[1][?3].hasValue()"), .bool(false)))
        #expect(CELValue.identical(try evaluate("[?optional.none(), ?optional.of(2)]"), .list(CELList([2]))))
        #expect(CELValue.identical(try evaluate("{?'a': optional.none(), 'b': 2}.size()"), .int(1)))
    }
}
