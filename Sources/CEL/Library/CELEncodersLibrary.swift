import Foundation

/// cel-go's `ext.Encoders`, which Kyverno enables: `base64.encode(bytes)` and `base64.decode(string)`
/// (standard alphabet; decoding accepts missing padding, as cel-go does).
public struct CELEncodersLibrary: CELLibrary {
    public init() {}

    public func register(into registry: inout CELFunctionRegistry) {
        registry.add(
            .unary("base64.encode", .bytes) { value in
                guard case .bytes(let bytes) = value else { return .error(.noMatchingOverload("base64.encode")) }
                return .string(Data(bytes).base64EncodedString())
            })
        registry.add(
            .unary("base64.decode", .string) { value in
                guard case .string(var text) = value else { return .error(.noMatchingOverload("base64.decode")) }
                if text.utf8.count % 4 != 0, !text.hasSuffix("=") {
                    text += String(repeating: "=", count: 4 - text.utf8.count % 4)
                }
                guard let data = Data(base64Encoded: text) else {
                    return .error(CELError("base64.decode: illegal base64 data"))
                }
                return .bytes(Array(data))
            })
    }
}
