extension String {
    /// Byte-wise UTF-8 ordering, the ordering Go's `<` on strings gives. Swift's own
    /// `<` orders by Unicode canonical equivalence, which differs for non-ASCII text.
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        // Over contiguous bytes (native and small strings): the generic
        // `lexicographicallyPrecedes` on UTF8View cost ~250 instructions a comparison,
        // the largest part of sorting families in `Registry.merge`.
        let fast = self.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b -> Bool in
                let common = Swift.min(a.count, b.count)
                var index = 0
                while index < common {
                    let x = a[index], y = b[index]
                    if x != y { return x < y }
                    index &+= 1
                }
                return a.count < b.count
            }
        }
        if let fast, let result = fast { return result }
        return self.utf8.lexicographicallyPrecedes(other.utf8)
    }
}

extension String {
    /// Byte-wise UTF-8 equality, Go's `==` on strings. Swift's own `==` is canonical
    /// equivalence ("\u{212A}" KELVIN SIGN equals "K"), which label matching must not use.
    @inlinable
    public func utf8Equals(_ other: String) -> Bool {
        let fast = self.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                a.count == b.count && a.elementsEqual(b)
            }
        }
        if let fast, let result = fast { return result }
        return self.utf8.elementsEqual(other.utf8)
    }
}
