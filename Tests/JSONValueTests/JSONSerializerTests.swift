import JSONValue
import Testing

struct JSONSerializerTests {
    static let sample: JSONValue = [
        "name": "web",
        "replicas": 3,
        "ratio": 0.5,
        "enabled": true,
        "missing": nil,
        "tags": ["a", "b"],
        "empty": [:],
        "none": [],
        "nested": ["k": [1, ["deep": false]]],
    ]

    @Test func compactOutputIsExact() {
        #expect(
            Self.sample.serialized()
                == #"{"name":"web","replicas":3,"ratio":0.5,"enabled":true,"missing":null,"tags":["a","b"],"#
                + #""empty":{},"none":[],"nested":{"k":[1,{"deep":false}]}}"#)
    }

    @Test func prettyOutputIsExact() {
        let expected = """
            {
              "name": "web",
              "replicas": 3,
              "ratio": 0.5,
              "enabled": true,
              "missing": null,
              "tags": [
                "a",
                "b"
              ],
              "empty": {},
              "none": [],
              "nested": {
                "k": [
                  1,
                  {
                    "deep": false
                  }
                ]
              }
            }
            """
        #expect(Self.sample.serialized(options: .pretty) == expected)
        #expect(Self.sample.serialized(pretty: true) == expected)
        #expect(JSONValue.int(1).serialized(options: .pretty) == "1")
    }

    @Test func sortedKeysUseByteOrder() {
        let value: JSONValue = ["b": 1, "a": ["z": 1, "y": 2], "B": 3, "é": 4, "aa": 5]
        #expect(
            value.serialized(options: JSONSerializationOptions(sortedKeys: true))
                == #"{"B":3,"a":{"y":2,"z":1},"aa":5,"b":1,"é":4}"#)
    }

    @Test(arguments: [
        ("\"", #""\"""#),
        ("\\", #""\\""#),
        ("/", #""/""#),
        ("\n", #""\n""#),
        ("\r", #""\r""#),
        ("\t", #""\t""#),
        ("\u{08}", #""\b""#),
        ("\u{0C}", #""\f""#),
        ("\u{00}", #""\u0000""#),
        ("\u{01}", #""\u0001""#),
        ("\u{1B}", #""\u001b""#),
        ("\u{1F}", #""\u001f""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("é ✓ 😀", "\"é ✓ 😀\""),
        ("\u{2028}", "\"\u{2028}\""),
        (
            "a fairly long string with a \"quote\" in the middle\n",
            #""a fairly long string with a \"quote\" in the middle\n""#
        ),
    ])
    func escapesStrings(string: String, expected: String) {
        #expect(JSONValue.string(string).serialized() == expected)
        #expect(JSONValue.object([string: 1]).serialized() == "{\(expected):1}")
    }

    @Test func escapesEveryControlCharacter() throws {
        for byte in 0..<0x20 {
            let string = String(UnicodeScalar(UInt8(byte)))
            let text = JSONValue.string("ab" + string + "cdefghijklmnop").serialized()
            #expect(!text.utf8.contains { $0 < 0x20 }, "byte \(byte)")
            #expect(try JSONValue.parse(text) == .string("ab" + string + "cdefghijklmnop"))
        }
    }

    @Test(arguments: [
        (0, "0"), (7, "7"), (-7, "-7"), (10, "10"), (99, "99"), (100, "100"), (-100, "-100"), (12345, "12345"),
        (1_000_000_007, "1000000007"), (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
    ])
    func writesIntegers(number: Int, expected: String) {
        #expect(JSONValue.int(number).serialized() == expected)
    }

    @Test(arguments: [
        (1.0, "1.0"), (0.5, "0.5"), (-0.0, "-0.0"), (0.1, "0.1"), (1e-7, "1e-07"), (1e21, "1e+21"),
        (.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    ])
    func writesShortestRoundTrippingDoubles(number: Double, expected: String) throws {
        #expect(JSONValue.double(number).serialized() == expected)
        #expect(try JSONValue.parse(expected).doubleValue?.bitPattern == number.bitPattern)
    }

    @Test func nonFiniteDoublesAreWrittenAsNull() {
        #expect(
            JSONValue.array([.double(.nan), .double(.infinity), .double(-.infinity)]).serialized() == "[null,null,null]"
        )
    }

    @Test func largeOutputsGrowTheBuffer() throws {
        let big = JSONValue.array((0..<50_000).map { .string("item-\($0)-\(String(repeating: "x", count: $0 % 40))") })
        let bytes = big.serializedBytes()
        #expect(bytes.count > 1_000_000)
        #expect(try JSONValue.parse(bytes) == big)
        #expect(big.serialized() == String(decoding: bytes, as: UTF8.self))
    }
}
