/// Options for serializing a ``JSONValue``.
public struct JSONSerializationOptions: Sendable {
    /// Indent nested values by two spaces and put each member on its own line.
    public var pretty: Bool
    /// Write object members in byte-wise UTF-8 order of their keys instead of insertion order.
    public var sortedKeys: Bool

    public init(pretty: Bool = false, sortedKeys: Bool = false) {
        self.pretty = pretty
        self.sortedKeys = sortedKeys
    }

    public static let compact = JSONSerializationOptions()
    public static let pretty = JSONSerializationOptions(pretty: true)
}

extension JSONValue {
    /// The JSON text of this value as UTF-8 bytes.
    ///
    /// Non-finite doubles (which JSON cannot express) are written as `null`.
    public func serializedBytes(options: JSONSerializationOptions = .compact) -> [UInt8] {
        var writer = JSONWriter(options: options)
        writer.write(self, indent: 0)
        return writer.output
    }

    /// The JSON text of this value.
    public func serialized(options: JSONSerializationOptions = .compact) -> String {
        String(decoding: serializedBytes(options: options), as: UTF8.self)
    }

    /// The JSON text of this value, compact or pretty.
    public func serialized(pretty: Bool) -> String {
        serialized(options: JSONSerializationOptions(pretty: pretty))
    }
}

/// Appends JSON text to a byte array.
struct JSONWriter {
    let options: JSONSerializationOptions
    var output: [UInt8] = []

    init(options: JSONSerializationOptions) {
        self.options = options
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): writeInt(number)
        case .double(let number): writeDouble(number)
        case .string(let string): writeString(string)
        case .array(let values):
            if values.isEmpty {
                append("[]")
                return
            }
            output.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                append("{}")
                return
            }
            output.append(UInt8(ascii: "{"))
            if options.sortedKeys {
                let keys = object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                for (index, key) in keys.enumerated() {
                    writeMember(key, object[key]!, first: index == 0, indent: indent)
                }
            } else {
                for (index, (key, member)) in object.enumerated() {
                    writeMember(key, member, first: index == 0, indent: indent)
                }
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeMember(_ key: String, _ value: JSONValue, first: Bool, indent: Int) {
        if !first { output.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        writeString(key)
        output.append(UInt8(ascii: ":"))
        if options.pretty { output.append(UInt8(ascii: " ")) }
        write(value, indent: indent + 1)
    }

    @inline(__always)
    mutating func newline(_ indent: Int) {
        guard options.pretty else { return }
        output.append(0x0A)
        for _ in 0..<(indent * 2) { output.append(0x20) }
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func writeInt(_ number: Int) {
        if number >= 0 && number < 10 {
            output.append(UInt8(ascii: "0") + UInt8(number))
            return
        }
        output.append(contentsOf: String(number).utf8)
    }

    mutating func writeDouble(_ number: Double) {
        guard number.isFinite else {
            append("null")
            return
        }
        // Swift's description is the shortest text that reads back as the same Double, e.g. "1.0", "1e-07".
        output.append(contentsOf: number.description.utf8)
    }

    mutating func writeString(_ string: String) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    append("\\u00")
                    output.append(Self.hexDigits[Int(byte >> 4)])
                    output.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        output.append(UInt8(ascii: "\""))
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
