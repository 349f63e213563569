extension StringProtocol {
    /// Whether `needle` occurs in the string, comparing UTF-8 bytes as Go's `strings.Contains` does.
    ///
    /// The engine asks this of every pattern leaf (`$(`, `{{`) and of every pattern error message (Kyverno
    /// classifies errors by their text); `String.contains(_:)` from String Processing compares Characters
    /// through a generic searcher and was a tenth of a background scan's time.
    func containsBytes(_ needle: String) -> Bool {
        if let found = needle.utf8.withContiguousStorageIfAvailable({ containsBytes($0) }) { return found }
        return Array(needle.utf8).withUnsafeBufferPointer { containsBytes($0) }
    }

    private func containsBytes(_ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = pattern.first else { return true }
        if let found = utf8.withContiguousStorageIfAvailable({ Self.search($0, pattern, first: first) }) {
            return found
        }
        return Self.search(Array(utf8), pattern, first: first)
    }

    private static func search(
        _ haystack: some RandomAccessCollection<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>, first: UInt8
    ) -> Bool {
        guard haystack.count >= pattern.count else { return false }
        var start = haystack.startIndex
        let last = haystack.index(haystack.endIndex, offsetBy: -pattern.count)
        while start <= last {
            if haystack[start] == first, haystack[start...].starts(with: pattern) { return true }
            start = haystack.index(after: start)
        }
        return false
    }
}
