#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// Strings escape `"`, `\` and control characters (as `\n`, `\t`, ... or `\u00XX`); everything else,
    /// including non-ASCII text, is written as UTF-8. Doubles are written in the shortest form that reads
    /// back as the same double. Non-finite doubles (which JSON cannot express) are written as `null`.
    public func serializedBytes(options: JSONSerializationOptions = .compact) -> [UInt8] {
        var writer = JSONWriter(options: options)
        writer.write(self, indent: 0)
        return writer.takeBytes()
    }

    /// The JSON text of this value.
    public func serialized(options: JSONSerializationOptions = .compact) -> String {
        var writer = JSONWriter(options: options)
        writer.write(self, indent: 0)
        return writer.takeString()
    }

    /// The JSON text of this value, compact or pretty.
    public func serialized(pretty: Bool) -> String {
        serialized(options: JSONSerializationOptions(pretty: pretty))
    }
}

/// Writes JSON text into a growable buffer in manually managed memory, so that each write is a bounds
/// check and a store rather than an `Array.append` call.
struct JSONWriter: ~Copyable {
    let pretty: Bool
    let sortedKeys: Bool
    var buffer: UnsafeMutablePointer<UInt8>
    var capacity: Int
    var count = 0

    init(options: JSONSerializationOptions, capacity: Int = 1024) {
        pretty = options.pretty
        sortedKeys = options.sortedKeys
        self.capacity = max(capacity, 64)
        guard let memory = malloc(self.capacity) else { fatalError("out of memory") }
        buffer = memory.assumingMemoryBound(to: UInt8.self)
    }

    deinit {
        free(buffer)
    }

    /// The bytes written so far.
    consuming func takeBytes() -> [UInt8] {
        let written = count
        let source = buffer
        return [UInt8](unsafeUninitializedCapacity: written) { target, initialized in
            if written > 0 { target.baseAddress.unsafelyUnwrapped.initialize(from: source, count: written) }
            initialized = written
        }
    }

    /// The text written so far (always valid UTF-8: strings come from valid `String`s).
    consuming func takeString() -> String {
        String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
    }

    // MARK: - Buffer

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if capacity &- count < extra { grow(extra) }
    }

    mutating func grow(_ extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBuffer.initialize(from: buffer, count: count)
        buffer.deallocate()
        buffer = newBuffer
        capacity = newCapacity
    }

    /// Appends one byte; the caller has reserved room.
    @inline(__always)
    mutating func put(_ byte: UInt8) {
        buffer[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        put(byte)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if bytes.count > 0 {
            (buffer + count).initialize(from: bytes.baseAddress.unsafelyUnwrapped, count: bytes.count)
        }
        count &+= bytes.count
    }

    // MARK: - Values

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): writeInt(number)
        case .double(let number): writeDouble(number)
        case .string(let string): writeString(string)
        case .array(let values): writeArray(values, indent: indent)
        case .object(let object): writeObject(object, indent: indent)
        }
    }

    mutating func writeArray(_ values: [JSONValue], indent: Int) {
        if values.isEmpty {
            append("[]")
            return
        }
        append(UInt8(ascii: "["))
        values.withUnsafeBufferPointer { elements in
            for index in elements.indices {
                if index > 0 { append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(elements[index], indent: indent + 1)
            }
        }
        newline(indent)
        append(UInt8(ascii: "]"))
    }

    mutating func writeObject(_ object: JSONObject, indent: Int) {
        if object.isEmpty {
            append("{}")
            return
        }
        append(UInt8(ascii: "{"))
        object.keys.elements.withUnsafeBufferPointer { keys in
            object.values.withUnsafeBufferPointer { values in
                if sortedKeys {
                    let order = keys.indices.sorted { keys[$0].utf8.lexicographicallyPrecedes(keys[$1].utf8) }
                    for (position, index) in order.enumerated() {
                        writeMember(keys[index], values[index], first: position == 0, indent: indent)
                    }
                } else {
                    for index in keys.indices {
                        writeMember(keys[index], values[index], first: index == 0, indent: indent)
                    }
                }
            }
        }
        newline(indent)
        append(UInt8(ascii: "}"))
    }

    @inline(__always)
    mutating func writeMember(_ key: String, _ value: JSONValue, first: Bool, indent: Int) {
        if !first { append(UInt8(ascii: ",")) }
        newline(indent + 1)
        writeString(key)
        if pretty {
            append(": ")
        } else {
            append(UInt8(ascii: ":"))
        }
        write(value, indent: indent + 1)
    }

    @inline(__always)
    mutating func newline(_ indent: Int) {
        guard pretty else { return }
        reserve(1 + indent * 2)
        put(0x0A)
        (buffer + count).initialize(repeating: 0x20, count: indent * 2)
        count &+= indent * 2
    }
}
