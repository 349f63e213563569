import JMESPath
import JSONValue
import PolicyEngine
import Testing

/// base64, path, hashes, parse_json, lookup, items, object_from_lists, label_match (Kyverno's tables).
struct EncodingFunctionsTests {
    @Test func base64() throws {
        #expect(try call("base64_decode", "SGVsbG8sIHdvcmxkIQ==") == "Hello, world!")
        #expect(try call("base64_encode", "Hello, world!") == "SGVsbG8sIHdvcmxkIQ==")
        #expect(try call("base64_decode", "Rm9vQmFy") == "FooBar")
        #expect(try call("base64_decode", "Rm9v\nQmFy\r\n") == "FooBar")
        #expect(try call("base64_decode", "") == "")
        #expect(try call("base64_encode", "") == "")
        #expect(try call("base64_encode", "a") == "YQ==")
        #expect(try call("base64_encode", "ab") == "YWI=")
    }

    @Test(arguments: [
        ("Rm9vQmF", "illegal base64 data at input byte 7"), ("Rm9v!mFy", "illegal base64 data at input byte 4"),
        ("YQ=", "illegal base64 data at input byte 3"), ("YQ==YQ==", "illegal base64 data at input byte 4"),
        ("Y===", "illegal base64 data at input byte 1"),
    ])
    func base64DecodeErrors(input: String, message: String) {
        #expect(errorMessage("base64_decode", .string(input)) == message)
    }

    @Test func base64TypeErrors() {
        #expect(
            errorMessage("base64_decode", 123) == "JMESPath function 'base64_decode': argument #1 is not of type string"
        )
        #expect(
            errorMessage("base64_encode", 123) == "JMESPath function 'base64_encode': argument #1 is not of type string"
        )
    }

    @Test(arguments: [
        ("///", "/"), ("///var/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock"),
        ("/var/run///containerd/containerd.sock", "/var/run/containerd/containerd.sock"),
        ("/var/run///containerd////", "/var/run/containerd"), ("/run///", "/run"), ("/run/../etc", "/etc"),
        ("///etc*", "/etc*"), ("/../../", "/"), ("", ""), ("a/../..", ".."), ("./a/./b", "a/b"), ("a/..", "."),
    ])
    func pathCanonicalize(input: String, expected: String) throws {
        #expect(try call("path_canonicalize", .string(input)) == .string(expected))
    }

    @Test func hashes() throws {
        #expect(
            try call("sha256", "alertmanager-kube-prometheus-stack-alertmanager")
                == "75c07bb807f2d80a85d34880b8af0c5f29f7c27577076ed5d0e4b427dee7dbcc")
        #expect(try call("sha1", "Alice & Bob") == "e3ec484930685a61b0f824cd684a68699d2b98c1")
        #expect(try call("md5", "Alice & Bob") == "def42e1abd2462df1f9f0a4b3d488221")
        #expect(try call("md5", "") == "d41d8cd98f00b204e9800998ecf8427e")
        for name in ["sha256", "sha1", "md5"] {
            #expect(errorMessage(name, 123) == "JMESPath function '\(name)': argument #1 is not of type string")
        }
    }

    @Test(arguments: [
        #"{"a":"b"}"#, "true", #"[1,2,3,{"a":"b"}]"#, "null", "[]", "{}", "0", "1.2",
        #"[1.2,true,{"a":{"a":"b"}}]"#,
    ])
    func parseJSONRoundTrips(text: String) throws {
        #expect(try call("parse_json", .string(text)).description == text)
    }

    @Test func parseJSON() throws {
        #expect(try call("parse_json", #"{"a": [1, 2, 3, 4]}"#)["a"]?[0] == 1)
        #expect(errorMessage("parse_json", "{") != nil)
        #expect(errorMessage("parse_json", "1 2") != nil)
    }

    @Test(arguments: [
        (#"{}"#, #""key1""#, "null"), (#"{"key1": "value1"}"#, #""key2""#, "null"),
        (#"{"key1": "value1"}"#, #""key1""#, #""value1""#), (#"{"": "value1"}"#, #""""#, #""value1""#),
        (#"{"k": 123}"#, #""k""#, "123"), (#"{"k": 12.34}"#, #""k""#, "12.34"), (#"{"k": true}"#, #""k""#, "true"),
        (#"{"k": null}"#, #""k""#, "null"), (#"{"k":  [7, "x", true] }"#, #""k""#, #"[7, "x", true]"#),
        (#"{"k": {"key1":true}}"#, #""k""#, #"{"key1":true}"#), ("[]", "0", "null"), (#"["item0"]"#, "-1", "null"),
        (#"["item0"]"#, "1", "null"), (#"["item0"]"#, "0", #""item0""#),
        (#"["item0", "item1", "item2", "item3"]"#, "2", #""item2""#),
        (#"["item0", "item1"]"#, "0.99999999999999999999999999999999999999999999", #""item1""#),
        ("[123]", "0", "123"), ("[12.34]", "0", "12.34"), ("[null]", "0", "null"),
        (#"[{"key1":true}]"#, "0", #"{"key1":true}"#),
    ])
    func lookup(collection: String, key: String, expected: String) throws {
        #expect(try call("lookup", json(collection), json(key)) == json(expected))
    }

    @Test func lookupErrors() {
        #expect(errorMessage("lookup", [:], 123)?.hasSuffix("argument #2 is not of type String") == true)
        #expect(errorMessage("lookup", [], "abc")?.hasSuffix("argument #2 is not of type Number") == true)
        #expect(
            errorMessage("lookup", [], 1.5)
                == "JMESPath function 'lookup': argument #2: expected an integer number but got: 1.5")
        #expect(
            errorMessage("lookup", [], 1e300)
                == "JMESPath function 'lookup': argument #2: number is outside the range of integer numbers: 1e+300")
        #expect(
            errorMessage("lookup", "x", 1)
                == "JMESPath function 'lookup': argument #1 is not of type Object or Array")
    }

    @Test(arguments: [
        (#"{ "key1": "value1" }"#, "key", "value", #"[{ "key": "key1", "value": "value1" }]"#),
        (
            #"{ "key2": "value2", "key1": "value1" }"#, "key", "value",
            #"[{ "key": "key1", "value": "value1" }, { "key": "key2", "value": "value2" }]"#
        ),
        (
            #"{ "key1": "value1", "key2": "value2" }"#, "myKey", "myValue",
            #"[{ "myKey": "key1", "myValue": "value1" }, { "myKey": "key2", "myValue": "value2" }]"#
        ),
        (
            #"["A", "B", "C"]"#, "myKey", "myValue",
            #"[{ "myKey": 0, "myValue": "A" }, { "myKey": 1, "myValue": "B" }, { "myKey": 2, "myValue": "C" }]"#
        ),
        ("[]", "k", "v", "[]"), (#"{"a": 1}"#, "k", "k", #"[{"k": 1}]"#),
    ])
    func items(collection: String, keyName: String, valueName: String, expected: String) throws {
        #expect(try call("items", json(collection), .string(keyName), .string(valueName)) == json(expected))
    }

    @Test func itemsErrors() {
        #expect(
            errorMessage("items", "x", "k", "v")
                == "JMESPath function 'items': argument #1 is not of type Object or Array")
        #expect(errorMessage("items", [], 1, "v") == "JMESPath function 'items': argument #2 is not of type String")
    }

    @Test(arguments: [
        (#"["key1", "key2"]"#, #"["1", "2"]"#, #"{"key1": "1", "key2": "2"}"#),
        (#"["key1", "key2"]"#, #"[1, "2"]"#, #"{"key1": 1, "key2": "2"}"#),
        (#"["key1", "key2"]"#, "[1]", #"{"key1": 1, "key2": null}"#),
        ("[1, true, 2.5]", "[1, 2, 3, 4]", #"{"1": 1, "true": 2, "2.5": 3}"#), ("[]", "[1]", "{}"),
    ])
    func objectFromLists(keys: String, values: String, expected: String) throws {
        #expect(try call("object_from_lists", json(keys), json(values)) == json(expected))
    }

    @Test func objectFromListsRejectsObjectKeys() {
        #expect(
            errorMessage("object_from_lists", [[:]], [1])
                == "JMESPath function 'object_from_lists': argument #1 is not of type StringArray")
    }

    @Test(arguments: [
        (#"{ "app": "test-app" }"#, true), (#"{ "app": "test-app", "controller-name": "test-controller" }"#, true),
        (#"{ "app": "test-app2" }"#, false), (#"{ "app.kubernetes.io/name": "test-app" }"#, false), ("{}", true),
    ])
    func labelMatch(selector: String, expected: Bool) throws {
        let labels = try json(#"{"app": "test-app", "controller-name": "test-controller"}"#)
        #expect(try call("label_match", json(selector), labels) == .bool(expected))
    }

    @Test func labelMatchComparesNestedValues() throws {
        let labels = try json(
            #"{"app": "test-app", "annotations": {"test": "test"}, "ownerReferences": [{"name": "test"}]}"#)
        #expect(
            try call("label_match", json(#"{ "app": "test-app", "annotations": { "test": "test" } }"#), labels) == true)
        #expect(
            errorMessage("label_match", "x", [:])
                == "JMESPath function 'label_match': argument #0 is not of type Object")
    }
}
