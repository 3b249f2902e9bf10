/// One label pair of a series.
public struct Label: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension String {
    /// Byte-wise UTF-8 ordering, the ordering Go's `<` on strings gives. Swift's own
    /// `<` orders by Unicode canonical equivalence, which differs for non-ASCII text.
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        self.utf8.lexicographicallyPrecedes(other.utf8)
    }
}
