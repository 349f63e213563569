import JSONValue
import Testing
import YAML

/// Plain-scalar typing follows go-yaml v2 (sigs.k8s.io/yaml), value by value.
@Suite struct ScalarResolutionTests {
    private func value(_ text: String) throws -> JSONValue? {
        try YAML.loadSingle("v: \(text)")["v"]
    }

    @Test(arguments: [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    ])
    func trueSpellings(_ text: String) throws {
        #expect(try value(text) == .bool(true))
    }

    @Test(arguments: [
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    ])
    func falseSpellings(_ text: String) throws {
        #expect(try value(text) == .bool(false))
    }

    @Test(arguments: ["yEs", "tRUE", "nO", "Of", "yes!", "truex", "o", "t"])
    func otherWordsStayStrings(_ text: String) throws {
        #expect(try value(text) == .string(text))
    }

    @Test(arguments: ["~", "null", "Null", "NULL", ""])
    func nullSpellings(_ text: String) throws {
        #expect(try value(text) == .null)
    }

    @Test(arguments: [
        ("0", 0), ("-0", 0), ("+12", 12), ("-12", -12), ("1_000", 1000), ("1__0_", 10),
        ("0x1F", 31), ("0X1f", 31), ("-0x10", -16), ("0x_1F", 31),
        ("0o17", 15), ("0O17", 15), ("017", 15), ("-017", -15),
        ("0b101", 5), ("0B11", 3), ("-0b101", -5),
        ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
    ])
    func integers(_ text: String, _ expected: Int) throws {
        let loaded = try value(text)
        #expect(loaded == .int(expected))
        if case .int = loaded {} else { Issue.record("\(text) should load as an integer, got \(String(describing: loaded))") }
    }

    @Test(arguments: [
        ("1.5", 1.5), ("-1.5", -1.5), ("+.5", 0.5), (".5", 0.5), ("1.", 1.0), ("1e3", 1000.0),
        ("1E-2", 0.01), ("6.02e+23", 6.02e23), ("1_000.5", 1000.5), (".5_0", 0.5),
        // Not valid octal, so Go's ParseInt fails and the float pattern takes it.
        ("08", 8.0), ("09.5", 9.5),
        // Beyond Int64: the unsigned value, then JSON's nearest double.
        ("18446744073709551615", 18_446_744_073_709_551_615.0),
        ("99999999999999999999", 1e20), ("-9223372036854775809", -9_223_372_036_854_775_809.0),
        ("0x1FFFFFFFFFFFFFFFF", 36_893_488_147_419_103_231.0),
    ])
    func floats(_ text: String, _ expected: Double) throws {
        let loaded = try value(text)
        guard case .double(let number) = loaded else {
            Issue.record("\(text) should load as a double, got \(String(describing: loaded))")
            return
        }
        #expect(number == expected)
    }

    @Test(arguments: [
        "2001-12-14", "2001-12-14T21:59:43.10-05:00", "1:20", "190:20:30", "0x", "0b", "0o", "0xG",
        "1e", "1.2.3", "+", ".", "1e400", "-0x8000000000000000_0", "._5", "1-2", "=", "<<",
        "12abc", "0b102", "0o8", "1_000_.5e",
    ])
    func otherFormsStayStrings(_ text: String) throws {
        #expect(try value(text) == .string(text))
    }

    @Test(arguments: [".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", ".nan", ".NaN", ".NAN"])
    func nonFiniteFloatsAreRejectedByDefault(_ text: String) throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load("v: \(text)") }
        #expect(error?.kind == .nonFiniteNumber)
        #expect(error?.line == 1)
        #expect(error?.column == 4)
    }

    @Test func nonFiniteFloatsLoadWhenAllowed() throws {
        let options = YAMLLoadOptions(allowsNonFiniteNumbers: true)
        let documents = try YAML.load("[.inf, -.inf, .nan]", options: options)
        let numbers = documents.first?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(numbers.count == 3)
        #expect(numbers.first == .infinity)
        #expect(numbers.dropFirst().first == -.infinity)
        #expect(numbers.last?.isNaN == true)
    }

    @Test(arguments: ["'yes'", "\"1\"", "'~'", "\"0x1F\"", "'1.5'", "\"\"", "!!str yes", "!!str 12", "! 12"])
    func quotedAndStrTaggedScalarsAreStrings(_ text: String) throws {
        let loaded = try value(text)
        #expect(loaded?.stringValue != nil, "\(text) loaded as \(String(describing: loaded))")
    }

    @Test func blockScalarsAreStrings() throws {
        let loaded = try YAML.loadSingle("a: |\n  123\nb: >-\n  true\n")
        #expect(loaded == ["a": "123\n", "b": "true"])
    }

    @Test func explicitTags() throws {
        let loaded = try YAML.loadSingle(
            """
            int: !!int "42"
            float: !!float 1
            bool: !!bool "yes"
            nothing: !!null ""
            str: !!str 0x10
            binary: !!binary aGVsbG8=
            stamp: !!timestamp 2001-12-14
            local: !thing 12
            map: !!map {a: 1}
            seq: !!seq [1]
            """
        )
        #expect(loaded["int"] == .int(42))
        #expect(loaded["float"]?.doubleValue == 1.0)
        if case .double = loaded["float"] {} else { Issue.record("!!float 1 should be a double") }
        #expect(loaded["bool"] == .bool(true))
        #expect(loaded["nothing"] == .null)
        #expect(loaded["str"] == .string("0x10"))
        #expect(loaded["binary"] == .string("aGVsbG8="))
        #expect(loaded["stamp"] == .string("2001-12-14"))
        #expect(loaded["local"] == .string("12"))
        #expect(loaded["map"] == ["a": 1])
        #expect(loaded["seq"] == [1])
    }

    @Test(arguments: ["!!int abc", "!!int 1.5", "!!float yes", "!!bool 1", "!!null x", "!!timestamp abc"])
    func tagsThatDoNotFitFail(_ text: String) throws {
        let error = #expect(throws: YAMLError.self) { try YAML.load("key: \(text)") }
        #expect(error?.kind == .invalidScalar)
        #expect(error?.line == 1)
        #expect(error?.column == 6)
    }
}
