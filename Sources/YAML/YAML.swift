import JSONValue

/// YAML for Vigil: libyaml events turned into ``JSONValue`` documents with the scalar rules Kubernetes
/// tools use (sigs.k8s.io/yaml, that is go-yaml v2 and YAML 1.1), and an emitter for CLI output.
///
/// Written over libyaml rather than Yams because Vigil needs Kubernetes' YAML 1.1 scalar resolution,
/// merge keys and a bounded alias expansion straight into its own `JSONValue`, with no second tree.
///
/// What loading does, in the order a reader meets it:
/// - A stream gives one value per document. Documents with no content (empty, or only comments) are
///   skipped, as kubectl's multi-document reader skips them; a document that is explicitly `null` or `~`
///   loads as ``JSONValue/null`` (kubectl's resource builder ignores those later, at its own level).
/// - Plain scalars are typed with go-yaml v2's table (see ``ScalarResolver``): `yes`/`no`/`on`/`off`/`y`/`n`
///   are booleans, `0x1F`, `0o17`, `017`, `0b101`, `1_000` are integers, `1e3` is a float, timestamps and
///   `1:20` stay strings. Quoted and block scalars, and scalars tagged `!!str`, are strings.
/// - Integers beyond `Int64` load as the nearest `Double`. `.nan` and `.inf` fail with
///   ``YAMLError/Kind/nonFiniteNumber`` unless ``YAMLLoadOptions/allowsNonFiniteNumbers`` is set, because
///   sigs.k8s.io/yaml cannot write them as JSON either.
/// - Mapping keys become strings as sigs.k8s.io/yaml makes them: `1: a` has the key `"1"`, `true: x` the
///   key `"true"`, `1.5: x` the key `"1.5"`. Null keys, keys beyond 64 bits and collection keys fail with
///   ``YAMLError/Kind/unsupportedKey``. A repeated key keeps its first position and its last value
///   (the non-strict decoding kubectl uses).
/// - Merge keys `<<` follow go-yaml v2: the merged keys are written where `<<` appears, so keys after it
///   override merged ones; in `<<: [*a, *b]` the earlier mapping wins.
/// - Aliases are bounded: expanding them past ``YAMLLoadOptions/maximumNodeCount`` nodes or nesting past
///   ``YAMLLoadOptions/maximumDepth`` fails instead of exhausting memory.
public enum YAML {
    /// Loads every document of a YAML stream.
    ///
    /// - Parameters:
    ///   - text: YAML text (JSON is YAML and loads to the same value as ``JSONValue/parse(_:)``).
    ///   - options: limits and choices; the defaults suit Kubernetes manifests.
    /// - Returns: one value per document that has content, in stream order.
    /// - Throws: ``YAMLError`` with the line and column of the first problem.
    public static func load(_ text: String, options: YAMLLoadOptions = .init()) throws(YAMLError) -> [JSONValue] {
        try load(bytes: text.utf8, options: options)
    }

    /// Loads every document of a YAML stream given as bytes (UTF-8, or UTF-16 with a byte order mark).
    ///
    /// - Throws: ``YAMLError``; bytes that are not valid in their encoding fail with
    ///   ``YAMLError/Kind/encoding`` at the offending position.
    public static func load(
        bytes: some Sequence<UInt8>,
        options: YAMLLoadOptions = .init()
    ) throws(YAMLError) -> [JSONValue] {
        var reader = try LibYAMLReader(bytes: bytes)
        var loader = YAMLStreamLoader(options: options)
        return try loader.load(&reader)
    }

    /// Loads a stream that must hold exactly one document with content.
    ///
    /// - Throws: ``YAMLError`` for syntax and typing problems, and ``YAMLError/Kind/documentCount`` when
    ///   the stream has no document or more than one.
    public static func loadSingle(_ text: String, options: YAMLLoadOptions = .init()) throws(YAMLError) -> JSONValue {
        try loadSingle(bytes: text.utf8, options: options)
    }

    /// Loads a byte stream that must hold exactly one document with content.
    ///
    /// - Throws: ``YAMLError``, with ``YAMLError/Kind/documentCount`` when there is not exactly one document.
    public static func loadSingle(
        bytes: some Sequence<UInt8>,
        options: YAMLLoadOptions = .init()
    ) throws(YAMLError) -> JSONValue {
        let documents = try load(bytes: bytes, options: options)
        guard documents.count == 1 else {
            throw YAMLError(
                kind: .documentCount,
                line: 1,
                column: 1,
                message: documents.isEmpty
                    ? "expected one YAML document, found none" : "expected one YAML document, found \(documents.count)"
            )
        }
        return documents[0]
    }
}
