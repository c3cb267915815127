/// A growable, uniquely owned buffer for the parsers' hot loops: `append` is a capacity check
/// and a store, with none of `Array`'s uniqueness checks.
struct AppendBuffer<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// Number of elements appended.
    private(set) var count = 0

    /// Creates an empty buffer with room for `capacity` elements.
    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Appends one element.
    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        base[count] = element
        count += 1
    }

    @inline(never)
    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.initialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    /// The elements as an array (one copy).
    func toArray() -> [Element] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }
}
