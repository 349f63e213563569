/// A growable stack in manually managed memory that the parser builds containers on.
///
/// Elements of the container being parsed are pushed here; when the container closes they are *moved*
/// (no retain/release) into one exactly sized array. That avoids the repeated reallocation of growing
/// every array and object from empty, which dominates parsing time for the many small containers of
/// Kubernetes objects.
struct ScratchStack<Element>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// The number of initialized elements, from the bottom of the stack.
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)
        storage = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newStorage = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newStorage.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    /// Replaces the element at `index` (which must be below ``count``).
    @inline(__always)
    mutating func replace(at index: Int, with element: consuming Element) {
        precondition(index >= 0 && index < count, "ScratchStack index out of range")
        (storage + index).pointee = element
    }

    /// The element at `index` (which must be below ``count``).
    @inline(__always)
    func element(at index: Int) -> Element {
        precondition(index >= 0 && index < count, "ScratchStack index out of range")
        return storage[index]
    }

    /// Moves the elements from `start` to the top into a new array and shrinks the stack to `start`.
    ///
    /// Built with `reserveCapacity` and `append` of moved elements: unlike
    /// `init(unsafeUninitializedCapacity:)`, that path is fully specialized (no runtime generic metadata
    /// lookup per array) and still moves without retain/release.
    @inline(__always)
    mutating func popArray(from start: Int) -> [Element] {
        precondition(start >= 0 && start <= count, "ScratchStack index out of range")
        var array: [Element] = []
        array.reserveCapacity(count - start)
        for index in start..<count { array.append((storage + index).move()) }
        count = start
        return array
    }

    /// Moves the elements from `start` to the top into a new contiguous array and shrinks the stack.
    @inline(__always)
    mutating func popContiguousArray(from start: Int) -> ContiguousArray<Element> {
        precondition(start >= 0 && start <= count, "ScratchStack index out of range")
        var array: ContiguousArray<Element> = []
        array.reserveCapacity(count - start)
        for index in start..<count { array.append((storage + index).move()) }
        count = start
        return array
    }

    /// Drops the elements from `start` to the top.
    mutating func truncate(to start: Int) {
        precondition(start >= 0 && start <= count, "ScratchStack index out of range")
        (storage + start).deinitialize(count: count - start)
        count = start
    }
}
