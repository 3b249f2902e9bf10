import Glibc

extension String {
    /// Byte-wise UTF-8 three-way comparison, Go's `strings.Compare`: negative when `self`
    /// sorts first, zero for the same bytes, positive otherwise. Swift's own `<` and `==`
    /// work by Unicode canonical equivalence, which differs for non-ASCII text.
    @inlinable
    public func utf8Compare(_ other: String) -> Int {
        if hasSameRepresentation(as: other) { return 0 }
        // Over contiguous bytes (native and small strings): the generic
        // `lexicographicallyPrecedes` on UTF8View cost ~250 instructions a comparison,
        // the largest part of sorting families in `Registry.merge`.
        let fast = self.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b -> Int in
                let common = Swift.min(a.count, b.count)
                var index = 0
                while index < common {
                    let x = a[index], y = b[index]
                    if x != y { return Int(x) - Int(y) }
                    index &+= 1
                }
                return a.count - b.count
            }
        }
        if let fast, let result = fast { return result }
        if self.utf8.elementsEqual(other.utf8) { return 0 }
        return self.utf8.lexicographicallyPrecedes(other.utf8) ? -1 : 1
    }

    /// Byte-wise UTF-8 ordering, the ordering Go's `<` on strings gives.
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool { utf8Compare(other) < 0 }

    /// Byte-wise UTF-8 equality, Go's `==` on strings. Swift's own `==` is canonical
    /// equivalence ("\u{212A}" KELVIN SIGN equals "K"), which label matching must not use.
    @inlinable
    public func utf8Equals(_ other: String) -> Bool {
        // Label values mostly come from one symbol table, so equal ones usually share
        // storage: Swift's `==` answered those at once, a byte walk did not (queries
        // compare label sets millions of times: 1.25x Prometheus' time with the walk).
        if hasSameRepresentation(as: other) { return true }
        let count = self.utf8.count
        guard count == other.utf8.count else { return false }
        let fast = self.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                // memcmp, not `elementsEqual`: the generic one was not inlined and walked
                // byte by byte.
                count == 0 || memcmp(a.baseAddress!, b.baseAddress!, count) == 0
            }
        }
        if let fast, let result = fast { return result }
        return self.utf8.elementsEqual(other.utf8)
    }

    /// The same inline bytes (small strings), or the same storage, length and flags: the
    /// same bytes for sure. Different representations may still hold the same bytes.
    @inlinable
    func hasSameRepresentation(as other: String) -> Bool {
        unsafeBitCast(self, to: (UInt64, UInt64).self) == unsafeBitCast(other, to: (UInt64, UInt64).self)
    }
}
