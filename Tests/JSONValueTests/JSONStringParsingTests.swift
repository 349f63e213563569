import JSONValue
import Testing

struct JSONStringParsingTests {
    @Test(arguments: [
        (#""\"""#, "\""),
        (#""\\""#, "\\"),
        (#""\/""#, "/"),
        (#""\b""#, "\u{08}"),
        (#""\f""#, "\u{0C}"),
        (#""\n""#, "\n"),
        (#""\r""#, "\r"),
        (#""\t""#, "\t"),
        (#""\u0000""#, "\u{00}"),
        (#""\u001f""#, "\u{1F}"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\uFFFF""#, "\u{FFFF}"),
        (#""a\nb\tc\\d\"e""#, "a\nb\tc\\d\"e"),
        (
            #""plain ascii text that is longer than sixteen bytes""#,
            "plain ascii text that is longer than sixteen bytes"
        ),
        (#""ünïcödé ✓ 日本語""#, "ünïcödé ✓ 日本語"),
        (#""mixed é\n and \u00e9 ✓""#, "mixed é\n and é ✓"),
        (#""""#, ""),
    ])
    func decodesEscapes(json: String, expected: String) throws {
        #expect(try JSONValue.parse(json) == .string(expected))
        // The same string as an object key.
        #expect(try JSONValue.parse("{\(json): 1}").objectValue?.keys.first == expected)
    }

    @Test(arguments: [
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD834\uDD1E""#, "𝄞"),
        (#""\udbff\udfff""#, "\u{10FFFF}"),
        (#""\ud800\udc00""#, "\u{10000}"),
        (#""x\ud83d\ude00y""#, "x😀y"),
    ])
    func decodesSurrogatePairs(json: String, expected: String) throws {
        #expect(try JSONValue.parse(json) == .string(expected))
    }

    @Test(arguments: [
        (#""\ud800""#, 1, "lone high surrogate"),
        (#""ab\ud800x""#, 3, "lone high surrogate"),
        (#""\ud800\n""#, 1, "lone high surrogate"),
        (#""\ud800\u0041""#, 1, "non-low-surrogate"),
        (#""\ud800\ud800""#, 1, "non-low-surrogate"),
        (#""\udc00""#, 1, "lone low surrogate"),
        (#""\ude00\ud83d""#, 1, "lone low surrogate"),
        (#""\u12""#, 5, "hex digit"),
        (#""\u12g4""#, 5, "hex digit"),
        (#""\x41""#, 1, "invalid escape"),
        (#""\a""#, 1, "invalid escape"),
        (#""\'""#, 1, "invalid escape"),
        (#""\"#, 1, "unterminated escape"),
        (#""abc\"#, 4, "unterminated escape"),
    ])
    func rejectsBadEscapes(json: String, offset: Int, message: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(json) }
        #expect(error?.offset == offset)
        #expect(error?.message.contains(message) == true, "message: \(error?.message ?? "")")
    }

    @Test(arguments: Array(0x00..<0x20))
    func rejectsUnescapedControlCharacters(byte: Int) {
        for prefix in ["", "0123456789abcdef"] {
            let bytes = Array("\"\(prefix)".utf8) + [UInt8(byte)] + Array("x\"".utf8)
            let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
            #expect(error?.offset == 1 + prefix.utf8.count)
            #expect(error?.message.contains("control character") == true)
        }
    }

    @Test func acceptsDeleteAndNonCharactersUnescaped() throws {
        #expect(try JSONValue.parse(Array("\"\u{7F}\u{FFFE}\"".utf8)) == .string("\u{7F}\u{FFFE}"))
    }

    /// Invalid UTF-8 inside strings, with the offset of the first bad byte (the string starts at offset 1).
    @Test(
        arguments: [
            ([0xC3], 1, "truncated two-byte sequence"),
            ([0xE2, 0x82], 1, "truncated three-byte sequence"),
            ([0xF0, 0x9F, 0x98], 1, "truncated four-byte sequence"),
            ([0x80], 1, "lone continuation byte"),
            ([0xBF, 0x41], 1, "lone continuation byte"),
            ([0xC0, 0xAF], 1, "overlong two-byte slash"),
            ([0xC1, 0xBF], 1, "overlong two-byte"),
            ([0xE0, 0x80, 0xAF], 1, "overlong three-byte"),
            ([0xF0, 0x80, 0x80, 0xAF], 1, "overlong four-byte"),
            ([0xED, 0xA0, 0x80], 1, "UTF-8 encoded high surrogate"),
            ([0xED, 0xBF, 0xBF], 1, "UTF-8 encoded low surrogate"),
            ([0xF4, 0x90, 0x80, 0x80], 1, "above U+10FFFF"),
            ([0xF5, 0x80, 0x80, 0x80], 1, "invalid lead byte F5"),
            ([0xFE], 1, "invalid byte FE"),
            ([0xFF], 1, "invalid byte FF"),
            ([0x41, 0x42, 0xC3, 0x28], 3, "bad continuation after ASCII"),
            ([0xC3, 0xA9, 0xE2, 0x82], 3, "truncated after a valid scalar"),
        ] as [([UInt8], Int, String)])
    func rejectsInvalidUTF8(sequence: [UInt8], offset: Int, name: String) {
        for suffix in [[], Array("\\n tail".utf8)] {
            let bytes = [UInt8(ascii: "\"")] + sequence + suffix + [UInt8(ascii: "\"")]
            let error = #expect(throws: JSONParseError.self, "\(name)") { try JSONValue.parse(bytes) }
            #expect(error?.offset == offset, "\(name)")
            #expect(error?.message.contains("UTF-8") == true, "\(name)")
        }
        // The same bytes in a key.
        let key = Array("{\"".utf8) + sequence + Array("\":1}".utf8)
        #expect(throws: JSONParseError.self, "\(name)") { try JSONValue.parse(key) }
    }

    @Test func rejectsInvalidUTF8OutsideStrings() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0xC3, 0xA9]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array("[1,".utf8) + [0xFF] + Array("]".utf8)) }
    }

    @Test func acceptsEveryValidScalarClass() throws {
        let text = "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFD}\u{10000}\u{10FFFF}"
        let json = "\"" + text + "\""
        #expect(try JSONValue.parse(json) == .string(text))
    }
}
