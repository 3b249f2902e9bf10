/// Byte offsets `[start, end)` of a syntax element in the query text.
public struct PositionRange: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    func merged(with other: PositionRange) -> PositionRange {
        PositionRange(start: min(start, other.start), end: max(end, other.end))
    }
}
