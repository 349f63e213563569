import JSONValue
import Testing

@testable import PolicyEngine

@Suite struct ConditionOperatorTests {
    @Test(arguments: [
        ("Equals", #""nginx""#, #""ngin*""#, true), ("Equals", #""nginx""#, #""nginx""#, true),
        ("Equals", "3", "3.0", true), ("Equals", "3", #""3""#, true), ("Equals", #""1h""#, "3600", true),
        ("Equals", #""1Gi""#, #""1024Mi""#, true), ("Equals", #"{"a": 1}"#, #"{"a": 1}"#, true),
        ("Equals", #"["a"]"#, #"["b"]"#, false), ("Equals", "true", #""true""#, false),
        ("NotEquals", #""nginx""#, #""redis""#, true), ("NotEquals", "true", #""x""#, true),
        ("NotEquals", #""1Gi""#, #""1024Mi""#, false), ("NotEqual", "1", "2", true),
        ("In", #""b""#, #"["a", "b"]"#, true), ("In", #""b""#, #"["a*"]"#, false), ("In", #""abc""#, #"["a*"]"#, true),
        ("In", #"["a", "b"]"#, #"["a", "b", "c"]"#, true), ("In", #"["a", "d"]"#, #"["a", "b"]"#, false),
        ("In", "3", #"["3"]"#, true), ("In", #""a""#, #""[\"a\"]""#, true),
        ("NotIn", #""d""#, #"["a", "b"]"#, true), ("NotIn", #"["a", "d"]"#, #"["a", "b"]"#, true),
        ("AnyIn", #"["a", "x"]"#, #"["a", "b"]"#, true), ("AnyIn", #"["x", "y"]"#, #"["a", "b"]"#, false),
        ("AnyIn", #"["x*"]"#, #"["xyz"]"#, true), ("AnyIn", #"[5, 50]"#, #""1-10""#, true),
        ("AllIn", #"["a", "b"]"#, #"["a", "b", "c"]"#, true), ("AllIn", #"["a", "x"]"#, #"["a", "b"]"#, false),
        ("AllIn", #"[5, 50]"#, #""1-10""#, false), ("AllIn", #"[5, 6]"#, #""1-10""#, true),
        ("AnyNotIn", #"["a", "x"]"#, #"["a", "b"]"#, true), ("AnyNotIn", #"["a", "b"]"#, #"["a", "b"]"#, false),
        ("AllNotIn", #"["x", "y"]"#, #"["a", "b"]"#, true), ("AllNotIn", #"["a", "y"]"#, #"["a", "b"]"#, false),
        ("GreaterThan", "5", "3", true), ("GreaterThan", #""5""#, "3", true), ("GreaterThanOrEquals", "3", "3", true),
        ("LessThan", #""100Mi""#, #""1Gi""#, true), ("LessThan", #""30m""#, #""1h""#, true),
        ("LessThanOrEquals", #""1.2.3""#, #""1.10.0""#, true), ("GreaterThan", #""abc""#, "3", false),
        ("DurationGreaterThan", #""2h""#, #""1h""#, true), ("DurationLessThan", "30", #""1m""#, true),
        ("DurationGreaterThanOrEquals", #""1h""#, "3600", true),
        ("durationlessthanorequals", #""2h""#, #""1h""#, false),
    ])
    func operators(name: String, key: String, value: String, expected: Bool) throws {
        let op = try #require(ConditionOperator(name: name))
        #expect(op.evaluate(key: jsonValue(key), value: jsonValue(value)) == expected)
    }

    @Test func unknownOperatorIsRejected() {
        #expect(ConditionOperator(name: "Contains") == nil)
    }
}
