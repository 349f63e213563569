/// A small direct-mapped cache of object keys, so that the long keys Kubernetes repeats in every item of a
/// list (`terminationMessagePath`, `app.kubernetes.io/name`, ...) share one string storage instead of
/// allocating a new string per occurrence.
///
/// Only keys longer than Swift's small-string limit are cached (shorter ones never allocate). A miss or
/// a collision just creates the string as usual; a hit is verified byte for byte.
struct JSONKeyCache {
    static let minimumLength = 15
    static let maximumLength = 96
    private static let slotCount = 512

    /// Allocated on the first insertion, so that parsing small documents costs nothing.
    private var slots: [String?] = []

    @inline(__always)
    private static func slot(for bytes: UnsafeBufferPointer<UInt8>) -> Int {
        // Keys here are 16...96 bytes: mix the length, the first eight and the last eight bytes.
        let raw = UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped)
        let first = raw.loadUnaligned(as: UInt64.self)
        let last = raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        var hash = (first ^ (last &* 0x9E37_79B9_7F4A_7C15)) &+ UInt64(bytes.count)
        hash ^= hash &>> 29
        hash &*= 0xBF58_476D_1CE4_E5B9
        hash ^= hash &>> 32
        return Int(truncatingIfNeeded: hash) & (slotCount - 1)
    }

    /// The cached key with exactly these bytes, if any.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !slots.isEmpty, let candidate = slots[Self.slot(for: bytes)] else { return nil }
        let matches = candidate.utf8.withContiguousStorageIfAvailable { stored in
            stored.count == bytes.count
                && memoryEqual(stored.baseAddress.unsafelyUnwrapped, bytes.baseAddress.unsafelyUnwrapped, bytes.count)
        }
        return matches == true ? candidate : nil
    }

    @inline(__always)
    mutating func insert(_ key: String, for bytes: UnsafeBufferPointer<UInt8>) {
        if slots.isEmpty { slots = Array(repeating: nil, count: Self.slotCount) }
        slots[Self.slot(for: bytes)] = key
    }
}

/// Whether `count` bytes at `lhs` and `rhs` are equal, compared eight at a time.
@inline(__always)
func memoryEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    while index + 8 <= count {
        let left = UnsafeRawPointer(lhs + index).loadUnaligned(as: UInt64.self)
        let right = UnsafeRawPointer(rhs + index).loadUnaligned(as: UInt64.self)
        if left != right { return false }
        index += 8
    }
    while index < count {
        if lhs[index] != rhs[index] { return false }
        index += 1
    }
    return true
}
