import JSONValue
import Testing
import YAML

/// JSON is YAML: a JSON document loads to the same value as ``JSONValue/parse(_:)`` gives.
@Suite struct JSONCompatibilityTests {
    static let documents = [
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1","b":"yes"}}"#,
        #"[1, -2, 3.5, -0.25, 1e3, 1E-3, 6.02e+23, 0, -0, 9223372036854775807, -9223372036854775808]"#,
        #"{"escapes": "quote \" backslash \\ slash \/ \b \f \n \r \t \u00e9 \u4e2d \u0041", "empty": ""}"#,
        #"{"nested": {"a": [true, false, null, {"b": []}, {}]}, "yes": "no", "on": "off"}"#,
        #"{"multi":"line\nbreak","spaces":"  both  ","hash":"a #b","colon":"a: b","t":"true","n":"null"}"#,
        "{\n  \"pretty\": [\n    1,\n    2\n  ],\n  \"k\": {\n    \"x\": \"y\"\n  }\n}\n",
        #"{"a":1,"b":[{"c":"d"}],"e":{"f":{"g":[[],[[]]]}}}"#,
        #""just a string""#,
        "123",
        "-1.5",
        "null",
        "true",
    ]

    @Test(arguments: documents)
    func jsonLoadsLikeTheJSONParser(_ text: String) throws {
        let expected = try JSONValue.parse(text)
        let loaded = try YAML.loadSingle(text)
        #expect(loaded == expected)
        // Same number kinds too: JSON integers stay integers, others are doubles.
        #expect(loaded.serialized() == expected.serialized())
    }

    @Test func objectKeyOrderIsKept() throws {
        let text = #"{"z": 1, "a": 2, "m": {"y": 1, "b": 2}}"#
        let loaded = try YAML.loadSingle(text)
        #expect(loaded.serialized() == (try JSONValue.parse(text)).serialized())
    }
}
