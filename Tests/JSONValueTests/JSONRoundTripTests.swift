import JSONValue
import Testing

/// Property tests: `parse(serialize(x)) == x` over many seeded random values.
struct JSONRoundTripTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomValuesRoundTrip(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<250 {
            let value = RandomJSON.value(depth: 0, using: &generator)
            for options in [JSONSerializationOptions.compact, .pretty, JSONSerializationOptions(sortedKeys: true)] {
                let bytes = value.serializedBytes(options: options)
                let parsed = try JSONValue.parse(bytes)
                #expect(parsed == value)
                if !options.sortedKeys {
                    #expect(RandomJSON.identical(parsed, value), "kinds, bits or key order changed: \(value)")
                }
                #expect(parsed.serializedBytes(options: options) == bytes)
            }
        }
    }

    @Test(arguments: [0, 1, 2, 3, 4] as [UInt64])
    func randomDoublesRoundTripBitForBit(seed: UInt64) throws {
        var generator = SeededGenerator(seed: 1000 + seed)
        for _ in 0..<5000 {
            var number = Double(bitPattern: generator.next())
            guard number.isFinite else { continue }
            if Bool.random(using: &generator) {
                number = Double(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())))
            }
            guard number.isFinite else { continue }
            let parsed = try JSONValue.parse(JSONValue.double(number).serialized())
            guard case .double(let back) = parsed else {
                Issue.record("\(number) came back as \(parsed)")
                continue
            }
            #expect(back.bitPattern == number.bitPattern, "\(number)")
        }
    }
}

/// Random JSON values with tricky strings (escapes, control characters, non-ASCII, surrogate-pair
/// scalars, long runs) and tricky numbers (extremes, subnormals, negative zero, whole doubles).
enum RandomJSON {
    static let trickyStrings = [
        "", " ", "\"", "\\", "/", "\u{0}", "\u{1F}", "\n\r\t\u{08}\u{0C}", "é", "日本語", "😀", "\u{10FFFF}",
        "\u{FFFD}", "\u{7F}", "\u{2028}\u{2029}", "a\"b\\c", "~0~1/", "app.kubernetes.io/name",
        String(repeating: "long ", count: 40), "{\"json\": [\"inside\"]}", "null", "1e5",
    ]

    static let trickyDoubles: [Double] = [
        0.1, -0.0, 1.0, 1e-7, 1e21, 1e22, 1e23, .leastNonzeroMagnitude, .leastNormalMagnitude,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.30000000000000004, 9_007_199_254_740_992, 123.456,
        -1.5e-300, Double(bitPattern: 0x0003_2000_0000_0000), 1e300, .ulpOfOne, 1 + .ulpOfOne,
    ]

    static func value(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth >= 4 ? 6 : 9), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(integer(using: &generator))
        case 3: return .double(double(using: &generator))
        case 4, 5: return .string(string(using: &generator))
        case 6:
            let count = Int.random(in: 0...6, using: &generator)
            return .array((0..<count).map { _ in value(depth: depth + 1, using: &generator) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...(Bool.random(using: &generator) ? 6 : 30), using: &generator) {
                object[string(using: &generator)] = value(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    static func integer(using generator: inout SeededGenerator) -> Int {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            [0, 1, -1, Int.max, Int.min, Int.max - 1, Int.min + 1, 1 << 53, (1 << 53) + 1].randomElement(
                using: &generator)!
        case 1: Int(truncatingIfNeeded: generator.next())
        default: Int.random(in: -100_000...100_000, using: &generator)
        }
    }

    static func double(using generator: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: return trickyDoubles.randomElement(using: &generator)!
        case 1:
            let number = Double(bitPattern: generator.next())
            return number.isFinite ? number : 0.25
        case 2: return Double(Int.random(in: -1000...1000, using: &generator)) / 8
        default: return Double.random(in: -1e6...1e6, using: &generator)
        }
    }

    static func string(using generator: inout SeededGenerator) -> String {
        if Int.random(in: 0..<3, using: &generator) == 0 { return trickyStrings.randomElement(using: &generator)! }
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...24, using: &generator) {
            let scalar: Unicode.Scalar?
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: scalar = Unicode.Scalar(UInt8.random(in: 0..<0x20, using: &generator))
            case 1: scalar = Unicode.Scalar(UInt32.random(in: 0x80...0xD7FF, using: &generator))
            case 2: scalar = Unicode.Scalar(UInt32.random(in: 0xE000...0x10FFFF, using: &generator))
            case 3: scalar = ["\"", "\\", "/"].randomElement(using: &generator)!
            default: scalar = Unicode.Scalar(UInt8.random(in: 0x20..<0x7F, using: &generator))
            }
            if let scalar { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// Equal and of the same kinds (int stays int, double bits unchanged, key order kept).
    static func identical(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
        case (.object(let a), .object(let b)):
            return a.keys == b.keys && zip(a.values, b.values).allSatisfy { identical($0, $1) }
        case (.int, _), (.double, _), (.array, _), (.object, _): return false
        default: return lhs == rhs
        }
    }
}
