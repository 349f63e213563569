import JSONValue
import Testing

struct JSONNumberParsingTests {
    @Test(arguments: [
        ("0", 0),
        ("-0", 0),
        ("7", 7),
        ("-42", -42),
        ("1234567890123456789", 1_234_567_890_123_456_789),
        ("9223372036854775807", Int.max),
        ("-9223372036854775808", Int.min),
        ("-9223372036854775807", Int.min + 1),
    ])
    func integersAreExact(json: String, expected: Int) throws {
        let value = try JSONValue.parse(json)
        #expect(value == .int(expected))
        guard case .int = value else {
            Issue.record("\(json) did not parse as an integer")
            return
        }
    }

    @Test(arguments: [
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999999999999",
        "-100000000000000000000",
    ])
    func integersBeyond64BitsFailClearly(json: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse("[\(json)]") }
        #expect(error?.offset == 1)
        #expect(error?.message.contains("does not fit in 64 bits") == true)
    }

    @Test(arguments: [
        "0.0", "-0.0", "1.0", "0.1", "0.2", "0.3", "1.5", "-2.25", "3.141592653589793", "2.718281828459045",
        "1e0", "1E2", "1e+2", "1e-2", "1.5e300", "-1.5e-300", "1e22", "1e23", "1e-22", "1e-23",
        "9007199254740993.0", "9007199254740992.0", "9007199254740991.0", "4.9406564584124654e-324", "5e-324",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308",
        "123456789012345678901234567890.5",
        "0.30000000000000004", "100000000000000000000000.0", "8.98846567431158e307",
        "1.00000000000000011102230246251565",
        "0.000000000000000000000000000000000000000000001", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "7.2057594037927933e16", "4.35679146701659e-309", "1.448997445238699", "6.02214076e23",
    ])
    func doublesAreCorrectlyRounded(json: String) throws {
        // The C library's strtod (through Double(String)) is the correctly rounded reference.
        let expected = try #require(Double(json))
        let value = try JSONValue.parse(json)
        guard case .double(let parsed) = value else {
            Issue.record("\(json) did not parse as a double: \(value)")
            return
        }
        #expect(parsed.bitPattern == expected.bitPattern, "\(json): \(parsed) != \(expected)")
    }

    @Test func randomDoublesAreCorrectlyRounded() throws {
        var generator = SeededGenerator(seed: 0xD0_0B1E)
        for _ in 0..<20_000 {
            let digitCount = Int.random(in: 1...20, using: &generator)
            var digits = String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<digitCount { digits += String(Int.random(in: 0...9, using: &generator)) }
            let point = Int.random(in: 1...digitCount, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : ""
            text += point == digitCount ? digits + ".0" : digits.prefix(point) + "." + digits.dropFirst(point)
            if Bool.random(using: &generator) { text += "e\(Int.random(in: -330...310, using: &generator))" }
            let expected = try #require(Double(text))
            if !expected.isFinite {
                #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
                continue
            }
            let parsed = try JSONValue.parse(text).doubleValue
            #expect(parsed?.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test(arguments: ["1e309", "-1e309", "1e400", "1.8e308", "1e99999999999999999999", "-123.456e1000000"])
    func exponentOverflowIsAnError(json: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(json) }
        #expect(error?.offset == 0)
        #expect(error?.message.contains("outside the range") == true)
    }

    @Test(arguments: [
        ("1e-400", 0.0), ("-1e-400", -0.0), ("0e999999", 0.0), ("1e-99999999999999999999", 0.0),
        ("0.000e-5", 0.0),
    ])
    func exponentUnderflowIsZero(json: String, expected: Double) throws {
        let value = try JSONValue.parse(json)
        #expect(value.doubleValue?.bitPattern == expected.bitPattern)
    }

    @Test func hugeNumbersParseQuicklyAndExactly() throws {
        // A megabyte of digits: shortened before strtod, still correctly rounded.
        let many = "0." + String(repeating: "3", count: 1_000_000)
        #expect(try JSONValue.parse(many) == .double(0.3333333333333333))
        let halfway = "9007199254740993" + String(repeating: "0", count: 5000) + ".0e-5000"
        #expect(try JSONValue.parse(halfway).doubleValue == 9_007_199_254_740_992)
        let aboveHalfway = "9007199254740993." + String(repeating: "0", count: 5000) + "1"
        #expect(try JSONValue.parse(aboveHalfway).doubleValue == 9_007_199_254_740_994)
        let longExponent = "1e" + String(repeating: "0", count: 100_000) + "5"
        #expect(try JSONValue.parse(longExponent) == .double(100_000))
        let longInteger = String(repeating: "9", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(longInteger) }
    }

    @Test(arguments: [
        "01", "-01", "00", "00.5", "-", "--1", "1.", "1.e5", ".5", "-.5", "1e", "1e+", "1e-", "1ee5",
        "1.5.5", "+1", "0x1F", "1_000", "Infinity", "-Infinity", "NaN", "1e5.5", "١",
    ])
    func malformedNumbersAreRejected(json: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(json) }
    }
}

/// A small deterministic random number generator (SplitMix64), so that property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
