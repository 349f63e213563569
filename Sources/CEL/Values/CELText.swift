/// Byte-level string tests on UTF-8 (CEL compares code points, which for UTF-8 is comparing bytes), on the
/// strings' contiguous storage: no Unicode normalisation, no generic collection algorithms.
enum CELText {
    /// Calls `body` with the UTF-8 bytes of `text` (a copy only for a string without contiguous UTF-8).
    @inline(__always)
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }

    /// Whether `bytes` holds `part` at `offset`.
    @inline(__always)
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ part: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool
    {
        var index = 0
        while index < part.count {
            if bytes[offset + index] != part[index] { return false }
            index += 1
        }
        return true
    }

    static func contains(_ text: String, _ part: String) -> Bool {
        withBytes(text) { bytes in
            withBytes(part) { part in
                guard let first = part.first else { return true }
                guard part.count <= bytes.count else { return false }
                var offset = 0
                let last = bytes.count - part.count
                while offset <= last {
                    if bytes[offset] == first, matches(bytes, part, at: offset) { return true }
                    offset += 1
                }
                return false
            }
        }
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        withBytes(text) { bytes in
            withBytes(prefix) { prefix in prefix.count <= bytes.count && matches(bytes, prefix, at: 0) }
        }
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        withBytes(text) { bytes in
            withBytes(suffix) { suffix in
                suffix.count <= bytes.count && matches(bytes, suffix, at: bytes.count - suffix.count)
            }
        }
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return withBytes(a) { x in withBytes(b) { y in x.count == y.count && matches(x, y, at: 0) } }
    }
}
