import JSONValue
import Testing

@testable import LocalAPIServer

@Suite("Selectors, JSONPath, tokens and manifest decoding")
struct ParsingTests {
    @Test(
        arguments: [
            ("app=web", ["app": "web"], true), ("app==web", ["app": "db"], false), ("app!=web", [:], true),
            ("app in (web, db)", ["app": "db"], true), ("app notin (web)", ["app": "web"], false), ("app", [:], false),
            ("!app", [:], true), ("a=1,b=2", ["a": "1", "b": "2"], true), ("a=1,b=2", ["a": "1"], false),
            ("n>5", ["n": "7"], true), ("n<5", ["n": "7"], false),
            ("example.com/team=x", ["example.com/team": "x"], true),
        ] as [(String, [String: String], Bool)])
    func labelSelectorMatching(selector: String, labels: [String: String], expected: Bool) throws {
        #expect(try LabelSelector(parsing: selector).matches(labels) == expected)
    }

    @Test(arguments: ["app in web", "a=1,", "=x", "app in (a", "n>x"])
    func badLabelSelectorsAre400(selector: String) {
        #expect(throws: StatusError.self) { _ = try LabelSelector(parsing: selector) }
        do {
            _ = try LabelSelector(parsing: selector)
        } catch {
            #expect(error.code == 400)
        }
    }

    @Test func printerJSONPath() throws {
        let document: JSONValue = [
            "status": ["conditions": [["type": "A", "status": "False"], ["type": "Ready", "status": "True"]]],
            "spec": ["items": [1, 2, 3], "weird.key": "w"],
        ]
        #expect(PrinterJSONPath(".status.conditions[?(@.type==\"Ready\")].status")?.evaluate(document) == ["True"])
        #expect(PrinterJSONPath(".spec.items[*]")?.evaluate(document) == [1, 2, 3])
        #expect(PrinterJSONPath(".spec.items[-1]")?.evaluate(document) == [3])
        #expect(PrinterJSONPath("{.spec['weird.key']}")?.evaluate(document) == ["w"])
        #expect(PrinterJSONPath(".missing.path")?.evaluate(document) == [])
    }

    @Test func continueTokenRoundTripAndRejection() throws {
        let token = ContinueToken(resourceVersion: 42, lastKey: "default/web-1")
        #expect(try ContinueToken(decoding: token.encoded) == token)
        #expect(!token.encoded.contains("="))
        #expect(throws: StatusError.self) { _ = try ContinueToken(decoding: "not-a-token") }
    }

    @Test func manifestDecoderHandlesSingleListAndConcatenated() throws {
        let single = try ManifestDecoder.decode(Array(#"{"kind":"Pod"}"#.utf8), contentType: nil)
        #expect(single == [["kind": "Pod"]])
        let list = try ManifestDecoder.decode(
            Array(#"{"kind":"List","items":[{"kind":"A"},{"kind":"B"}]}"#.utf8),
            contentType: "application/json; charset=utf-8")
        #expect(list.count == 2)
        let stream = try ManifestDecoder.decode(Array("{\"a\":\"}{\"}\n{\"b\":2} {\"c\":[3]}".utf8), contentType: nil)
        #expect(stream == [["a": "}{"], ["b": 2], ["c": [3]]])
        #expect(throws: StatusError.self) { _ = try ManifestDecoder.decode(Array("{} x".utf8), contentType: nil) }
        #expect(throws: StatusError.self) { _ = try ManifestDecoder.decode(Array("  ".utf8), contentType: nil) }
    }

    @Test func strategicMergePatchMergesListsByKeyAndHonoursDirectives() throws {
        let original: JSONValue = [
            "spec": [
                "containers": [["name": "a", "image": "a:1"], ["name": "b", "image": "b:1"]],
                "finalizers": ["x"], "volumes": [["name": "v"]],
            ]
        ]
        let patch: JSONValue = [
            "spec": [
                "\u{24}setElementOrder/containers": [["name": "b"], ["name": "a"]],
                "containers": [["name": "a", "image": "a:2"], ["name": "b", "\u{24}patch": "delete"]],
                "finalizers": ["y"], "volumes": nil,
            ]
        ]
        let result = try StrategicMergePatch.apply(patch, to: original)
        #expect(result[path: "spec", "containers"] == [["name": "a", "image": "a:2"]])
        #expect(result[path: "spec", "finalizers"] == ["x", "y"])
        #expect(result[path: "spec", "volumes"] == nil)
    }

    @Test func versionPriority() {
        let sorted = ["v1alpha1", "v2", "v1beta2", "foo", "v1", "v1beta1"].sorted(by: ResourceRegistry.versionPrecedes)
        #expect(sorted == ["v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo"])
    }
}
