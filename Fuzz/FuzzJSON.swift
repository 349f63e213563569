// libFuzzer entry point for the JSON parser and serializer; built and run by `scripts/fuzz`.
//
// Parses the input; when it parses, the compact and pretty serializations must parse back to an equal
// value, serializing that again must give the same bytes, and the canonical bytes must be stable. Any
// mismatch traps, which libFuzzer reports as a crash with the input saved.

import JSONValue

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? JSONValue.parse(buffer: input, options: JSONParseOptions(maximumDepth: 64)) else {
        return 0
    }
    let compact = value.serializedBytes()
    guard let reparsed = try? JSONValue.parse(compact, options: JSONParseOptions(maximumDepth: 64)) else {
        fatalError("compact serialization does not parse: \(String(decoding: compact, as: UTF8.self))")
    }
    guard reparsed == value else {
        fatalError("round trip changed the value: \(String(decoding: compact, as: UTF8.self))")
    }
    guard reparsed.serializedBytes() == compact else {
        fatalError("serializing the round-tripped value gave different bytes")
    }
    let pretty = value.serializedBytes(options: .pretty)
    guard let prettyParsed = try? JSONValue.parse(pretty, options: JSONParseOptions(maximumDepth: 64)),
        prettyParsed == value
    else {
        fatalError("pretty serialization does not round-trip")
    }
    guard reparsed.canonicalBytes == value.canonicalBytes, reparsed.hashValue == value.hashValue else {
        fatalError("canonical bytes or hash differ for equal values")
    }
    return 0
}
