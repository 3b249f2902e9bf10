extension String {
    /// Byte-wise UTF-8 ordering, the ordering Go's `<` on strings gives. Swift's own
    /// `<` orders by Unicode canonical equivalence, which differs for non-ASCII text.
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        self.utf8.lexicographicallyPrecedes(other.utf8)
    }
}
