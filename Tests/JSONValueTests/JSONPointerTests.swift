import JSONValue
import Testing

struct JSONPointerTests {
    /// The example document of RFC 6901 section 5.
    static let rfcDocument: JSONValue = [
        "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7,
        "m~n": 8,
    ]

    @Test(
        arguments: [
            ("", nil), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1), ("/c%d", 2), ("/e^f", 3),
            ("/g|h", 4), ("/i\\j", 5), ("/k\"l", 6), ("/ ", 7), ("/m~0n", 8),
        ] as [(String, JSONValue?)])
    func resolvesTheRFCExamples(pointer: String, expected: JSONValue?) throws {
        let resolved = try Self.rfcDocument.value(atPointer: pointer)
        #expect(resolved == (expected ?? Self.rfcDocument))
    }

    @Test(arguments: ["/foo/2", "/foo/-", "/foo/01", "/foo/+1", "/foo/bar", "/missing", "/foo/0/x", "/a~1b/c"])
    func missingTargetsAreNil(pointer: String) throws {
        #expect(try Self.rfcDocument.value(atPointer: pointer) == nil)
    }

    @Test(arguments: ["foo", "/~2", "/a~", "/~x/y"])
    func malformedPointersThrow(pointer: String) {
        let error = #expect(throws: JSONPointerError.self) { try JSONPointer(pointer) }
        #expect(error?.kind == .syntax)
    }

    @Test func escapingRoundTrips() throws {
        let pointer = JSONPointer(tokens: ["metadata", "labels", "app.kubernetes.io/name", "~tilde", ""])
        #expect(pointer.description == "/metadata/labels/app.kubernetes.io~1name/~0tilde/")
        #expect(try JSONPointer(pointer.description) == pointer)
        // "~01" is "~1" unescaped, not "/".
        #expect(try JSONPointer("/~01").tokens == ["~1"])
        #expect(JSONPointer.root.description == "")
        #expect(pointer.parent?.tokens == ["metadata", "labels", "app.kubernetes.io/name", "~tilde"])
        #expect(JSONPointer.root.parent == nil)
        #expect(JSONPointer.root.appending("spec").appending(index: 3).description == "/spec/3")
    }

    @Test func setsReplacesAndAppends() throws {
        var document: JSONValue = ["spec": ["containers": [["name": "a"]]], "metadata": [:]]
        try document.setValue("web", at: JSONPointer("/metadata/name"))
        try document.setValue("b", at: JSONPointer("/spec/containers/0/name"))
        try document.setValue(["name": "c"], at: JSONPointer("/spec/containers/-"))
        try document.setValue(["name": "d"], at: JSONPointer("/spec/containers/2"))
        try document.setValue("x", at: JSONPointer("/metadata/labels~1odd"))
        #expect(
            document
                == [
                    "spec": ["containers": [["name": "b"], ["name": "c"], ["name": "d"]]],
                    "metadata": ["name": "web", "labels/odd": "x"],
                ])
        try document.setValue(42, at: .root)
        #expect(document == 42)
    }

    @Test func setFailsWithoutAParent() throws {
        var document: JSONValue = ["a": [1, 2], "s": "text"]
        let missing = #expect(throws: JSONPointerError.self) { try document.setValue(1, at: JSONPointer("/b/c")) }
        #expect(missing?.kind == .notFound)
        let beyond = #expect(throws: JSONPointerError.self) { try document.setValue(1, at: JSONPointer("/a/5")) }
        #expect(beyond?.kind == .notFound)
        let notIndex = #expect(throws: JSONPointerError.self) { try document.setValue(1, at: JSONPointer("/a/x")) }
        #expect(notIndex?.kind == .typeMismatch)
        let scalar = #expect(throws: JSONPointerError.self) { try document.setValue(1, at: JSONPointer("/s/x")) }
        #expect(scalar?.kind == .typeMismatch)
        #expect(document == ["a": [1, 2], "s": "text"])
    }

    @Test func removesMembersAndElements() throws {
        var document: JSONValue = ["a": [1, 2, 3], "b": ["c": true, "d": false]]
        #expect(try document.removeValue(at: JSONPointer("/a/1")) == 2)
        #expect(try document.removeValue(at: JSONPointer("/b/c")) == true)
        #expect(document == ["a": [1, 3], "b": ["d": false]])
        #expect(document.objectValue.map { Array($0.keys) } == ["a", "b"])
        let missing = #expect(throws: JSONPointerError.self) { try document.removeValue(at: JSONPointer("/b/zz")) }
        #expect(missing?.kind == .notFound)
        #expect(throws: JSONPointerError.self) { try document.removeValue(at: JSONPointer("/a/-")) }
        #expect(try document.removeValue(at: .root) == ["a": [1, 3], "b": ["d": false]])
        #expect(document == nil)
    }
}
