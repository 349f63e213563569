// libFuzzer entry point for the YAML module: loads the bytes as a YAML stream and, when that succeeds,
// checks that emitting the documents and loading the text again gives the same documents.
import JSONValue
import YAML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let documents: [JSONValue]
    do {
        documents = try YAML.load(bytes: UnsafeBufferPointer(start: data, count: size))
    } catch {
        return 0  // Rejecting bad input with an error is the expected outcome.
    }
    let text = YAML.emit(documents: documents)
    let reloaded: [JSONValue]
    do {
        reloaded = try YAML.load(text)
    } catch {
        fatalError("emitted YAML does not load again: \(error)\n\(text)")
    }
    if reloaded != documents {
        fatalError("YAML round trip differs:\n\(text)")
    }
    return 0
}
