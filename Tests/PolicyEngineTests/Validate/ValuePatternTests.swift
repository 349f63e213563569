import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct ValuePatternTests {
    @Test(arguments: [
        (#""nginx""#, #""ngin?""#, true), (#""nginx""#, #""*x""#, true), (#""nginx""#, #""!nginx""#, false),
        (#""nginx""#, #""redis | nginx""#, true), (#""nginx""#, #""n* & *x""#, true),
        (#""nginx""#, #""n* & *y""#, false),
        ("5", #"">3""#, true), ("5", #""<=5""#, true), ("5", #""<5""#, false), ("5", #""!5""#, false),
        ("5", #""1-10""#, true), ("50", #""1-10""#, false), ("50", #""1!-10""#, true), ("5", #""1!-10""#, false),
        (#""512Mi""#, #"">=256Mi""#, true), (#""2""#, #""1500m-2500m""#, true), (#""3""#, #""1500m-2500m""#, false),
        (#""30s""#, #""<1m""#, true), (#""2h""#, #"">=1h""#, true),
        ("3", "3", true), ("3", "3.0", true), (#""3""#, "3", true), ("3.5", "3", false), ("true", "true", true),
        ("false", "true", false), ("null", "null", true), ("0", "null", true), (#""""#, "null", true),
        (#""x""#, "null", false), (#"{"a": 1}"#, #"{}"#, true), (#""x""#, #"{}"#, false),
        ("1.5", #""1.5E+00""#, true), ("true", #""true""#, true),
    ])
    func scalarPatterns(value: String, pattern: String, expected: Bool) {
        #expect(ValuePattern.validate(jsonValue(value), jsonValue(pattern)) == expected)
    }

    @Test func operatorPrefixesAndRanges() {
        #expect(ValueOperator.prefix(of: ">=5") == .moreEqual)
        #expect(ValueOperator.prefix(of: "!5") == .notEqual)
        #expect(ValueOperator.prefix(of: "10Mi-20Mi") == .inRange("10Mi", "20Mi"))
        #expect(ValueOperator.prefix(of: "-5-5") == .inRange("-5", "5"))
        #expect(ValueOperator.prefix(of: "1!-3") == .notInRange("1", "3"))
        #expect(ValueOperator.prefix(of: "a-b") == .equal)
        #expect(ValueOperator.prefix(of: "5") == .equal)
    }
}
