// libFuzzer entry point for the JMESPath engine: compiles arbitrary bytes as an expression and, when that
// succeeds, evaluates it against a small fixed document under a small build budget. Any outcome other
// than a value or a `JMESPathError` (a trap, a hang, unbounded recursion) is a bug.
#if canImport(JMESPath)
    import JMESPath
#endif
#if canImport(JSONValue)
    import JSONValue
#endif

/// Built per input rather than held in a global: LeakSanitizer cannot see a lazily initialised Swift
/// global's storage and would report it as leaked at exit.
private func fuzzDocument() -> JSONValue {
    [
        "a": ["b": ["c": [1, 2.5, "x", true, nil, ["d": "e"]]]],
        "items": [["name": "one", "size": 3, "tags": ["x", "y"]], ["name": "two", "size": -1, "tags": []]],
        "s": "héllo ✓", "n": 9_223_372_036_854_775_807, "empty": [:],
    ]
}

private let fuzzOptions = [
    JMESPathOptions(missingKeys: .null, maximumBuiltNodes: 100_000),
    JMESPathOptions(missingKeys: .error, maximumBuiltNodes: 100_000),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let expression = try? JMESPathExpression(text) else { return 0 }
    let document = fuzzDocument()
    for options in fuzzOptions {
        _ = try? expression.search(document, options: options)
    }
    _ = expression.ast.description
    return 0
}
