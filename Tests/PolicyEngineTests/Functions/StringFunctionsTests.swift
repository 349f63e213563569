import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// Cases from Kyverno's functions_test.go (Test_Compare, Test_jpfReplace, ...) plus edge cases.
struct StringFunctionsTests {
    @Test(arguments: [("a", "a", 0), ("a", "b", -1), ("b", "a", 1), ("", "a", -1), ("é", "z", 1)])
    func compare(left: String, right: String, expected: Int) throws {
        #expect(try call("compare", .string(left), .string(right)) == .int(expected))
    }

    @Test(arguments: [
        ("Go", "go", true), ("a", "b", false), ("1", "b", false), ("ΣΑΣ", "σας", true), ("a", "á", false),
        ("K", "\u{212A}", true),
    ])
    func equalFold(left: String, right: String, expected: Bool) throws {
        #expect(try call("equal_fold", .string(left), .string(right)) == .bool(expected))
    }

    @Test(arguments: [
        ("Lorem ipsum dolor sit amet", "ipsum", "muspi", -1.0, "Lorem muspi dolor sit amet"),
        ("Lorem ipsum ipsum ipsum dolor sit amet", "ipsum", "muspi", -1.0, "Lorem muspi muspi muspi dolor sit amet"),
        ("Lorem ipsum ipsum ipsum dolor sit amet", "ipsum", "muspi", 1.0, "Lorem muspi ipsum ipsum dolor sit amet"),
        ("aaa", "a", "b", 2.7, "bba"),
        ("abc", "", "-", -1.0, "-a-b-c-"),
        ("abc", "", "-", 2.0, "-a-bc"),
        ("abc", "x", "y", 0.0, "abc"),
    ])
    func replace(source: String, old: String, new: String, count: Double, expected: String) throws {
        #expect(try call("replace", .string(source), .string(old), .string(new), .double(count)) == .string(expected))
    }

    @Test func replaceRejectsWrongTypes() {
        #expect(
            errorMessage("replace", 1.0, "ipsum", "muspi", 1.0)
                == "JMESPath function 'replace': argument #1 is not of type string")
        #expect(
            errorMessage("replace", "x", 1.0, "muspi", 1.0)
                == "JMESPath function 'replace': argument #2 is not of type string")
        #expect(
            errorMessage("replace", "x", "ipsum", false, 1.0)
                == "JMESPath function 'replace': argument #3 is not of type string")
        #expect(
            errorMessage("replace", "x", "ipsum", "muspi", true)
                == "JMESPath function 'replace': argument #4 is not of type float64")
        #expect(errorMessage("replace", "x") == "JMESPath function 'replace': 2 argument is out of bounds (1)")
    }

    @Test func replaceAll() throws {
        #expect(try call("replace_all", "Lorem ipsum dolor sit amet", "ipsum", "muspi") == "Lorem muspi dolor sit amet")
        #expect(
            try call("replace_all", "Lorem ipsum ipsum ipsum dolor sit amet", "ipsum", "muspi")
                == "Lorem muspi muspi muspi dolor sit amet")
        #expect(errorMessage("replace_all", 1.0, "ipsum", "muspi") != nil)
        #expect(errorMessage("replace_all", "x", "ipsum", false) != nil)
    }

    @Test(arguments: [
        ("abc", "ABC", "abc"), ("123", "123", "123"), ("a#%&123Bc", "A#%&123BC", "a#%&123bc"),
        ("straße", "STRAßE", "straße"), ("", "", ""),
    ])
    func caseMapping(input: String, upper: String, lower: String) throws {
        #expect(try call("to_upper", .string(input)) == .string(upper))
        #expect(try call("to_lower", .string(input)) == .string(lower))
    }

    @Test func caseMappingRejectsNumbers() {
        #expect(errorMessage("to_upper", 32.0) == "JMESPath function 'to_upper': argument #1 is not of type string")
        #expect(errorMessage("to_lower", 32.0) == "JMESPath function 'to_lower': argument #1 is not of type string")
    }

    @Test func trim() throws {
        #expect(try call("trim", "¡¡¡Hello, Gophers!!!", "!¡") == "Hello, Gophers")
        #expect(try call("trim", "xxx", "x") == "")
        #expect(try call("trim", "  a  ", "") == "  a  ")
    }

    @Test(arguments: [
        ("¡¡¡Hello, Gophers!!!", "¡¡¡Hello, ", "Gophers!!!"),
        ("¡¡¡Hello, Gophers!!!", "¡¡¡Hola, ", "¡¡¡Hello, Gophers!!!"),
        ("abc", "", "abc"),
    ])
    func trimPrefix(source: String, prefix: String, expected: String) throws {
        #expect(try call("trim_prefix", .string(source), .string(prefix)) == .string(expected))
    }

    @Test func trimPrefixRejectsNumbers() {
        #expect(errorMessage("trim_prefix", 1.0, "x") != nil)
        #expect(errorMessage("trim_prefix", "x", 1.0) != nil)
    }

    @Test func split() throws {
        #expect(try call("split", "Hello, Gophers", ", ") == ["Hello", "Gophers"])
        #expect(try call("split", "a,b,,c", ",") == ["a", "b", "", "c"])
        #expect(try call("split", "abc", "") == ["a", "b", "c"])
        #expect(try call("split", "", "") == [])
        #expect(try call("split", "", ",") == [""])
    }

    @Test(arguments: [
        ("Lorem ipsum dolor sit amet", 5.0, "Lorem"),
        ("Lorem ipsum ipsum ipsum dolor sit amet", 11.0, "Lorem ipsum"),
        ("Lorem ipsum ipsum ipsum dolor sit amet", 40.0, "Lorem ipsum ipsum ipsum dolor sit amet"),
        ("Lorem ipsum", 2.6, "Lo"), ("Lorem ipsum", 0.0, ""), ("Lorem ipsum", -1.0, ""), ("héllo", 2.0, "hé"),
        ("abc", 1e300, "abc"),
    ])
    func truncate(source: String, length: Double, expected: String) throws {
        #expect(try call("truncate", .string(source), .double(length)) == .string(expected))
    }

    @Test(arguments: [("true", true), ("TRue", true), ("FaLse", false), ("false", false)])
    func toBoolean(input: String, expected: Bool) throws {
        #expect(try call("to_boolean", .string(input)) == .bool(expected))
    }

    @Test func toBooleanRejectsOtherText() {
        #expect(
            errorMessage("to_boolean", "FaLsee")
                == "JMESPath function 'to_boolean': lowercase argument must be 'true' or 'false' (provided: 'FaLsee')")
        #expect(errorMessage("to_boolean", "foo") != nil)
        #expect(errorMessage("to_boolean", 1) == "JMESPath function 'to_boolean': argument #1 is not of type string")
        #expect(errorMessage("to_boolean", nil) != nil)
    }
}
