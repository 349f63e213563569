import JSONValue
import Testing

struct JSONCanonicalTests {
    @Test func keyOrderDoesNotChangeTheHash() throws {
        let first = try JSONValue.parse(#"{"a": 1, "b": {"x": [1, 2], "y": "z"}}"#)
        let second = try JSONValue.parse(#"{"b": {"y": "z", "x": [1, 2]}, "a": 1}"#)
        #expect(first == second)
        #expect(first.contentHash == second.contentHash)
        #expect(first.canonicalBytes == second.canonicalBytes)
        #expect(String(decoding: first.canonicalBytes, as: UTF8.self) == #"{"a":1,"b":{"x":[1,2],"y":"z"}}"#)
    }

    @Test func wholeDoublesHashLikeIntegers() throws {
        let integer = try JSONValue.parse(#"{"replicas": 1, "limit": [2, -3]}"#)
        let double = try JSONValue.parse(#"{"replicas": 1.0, "limit": [2e0, -3.000]}"#)
        #expect(integer == double)
        #expect(integer.contentHash == double.contentHash)
        #expect(integer.hashValue == double.hashValue)
    }

    @Test func hashIsSHA256OfTheCanonicalBytes() {
        // SHA-256 of the two bytes "{}", a published test vector for that input.
        #expect(JSONValue.object([:]).contentHash == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(JSONValue.object([:]).contentHash.count == 64)
    }

    @Test(arguments: [
        #"{"a": 1, "b": [true, null, "s"]}"#
    ])
    func everyChangeChangesTheHash(json: String) throws {
        let base = try JSONValue.parse(json)
        let changes: [JSONValue] = [
            ["a": 2, "b": [true, nil, "s"]],
            ["a": 1.5, "b": [true, nil, "s"]],
            ["a": "1", "b": [true, nil, "s"]],
            ["a": 1, "b": [false, nil, "s"]],
            ["a": 1, "b": [true, nil, "S"]],
            ["a": 1, "b": [true, false, "s"]],
            ["a": 1, "b": [nil, true, "s"]],
            ["a": 1, "b": [true, nil, "s", 1]],
            ["a": 1, "b": [true, nil]],
            ["a": 1, "c": [true, nil, "s"]],
            ["a": 1, "b": [true, nil, "s"], "c": nil],
            ["a": 1],
            ["a": [1], "b": [true, nil, "s"]],
            ["a": ["b": 1], "b": [true, nil, "s"]],
        ]
        var hashes: Set<String> = [base.contentHash]
        for changed in changes {
            #expect(changed != base)
            #expect(changed.contentHash != base.contentHash, "\(changed)")
            hashes.insert(changed.contentHash)
        }
        #expect(hashes.count == changes.count + 1)
    }

    @Test func canonicalizedTurnsWholeDoublesIntoIntegers() {
        let value: JSONValue = ["a": 1.0, "b": [2.5, -0.0, 1e300]]
        let canonical = value.canonicalized
        #expect(canonical["a"].map { if case .int(1) = $0 { true } else { false } } == true)
        #expect(String(decoding: canonical.serializedBytes(), as: UTF8.self) == #"{"a":1,"b":[2.5,0,1e+300]}"#)
    }
}
