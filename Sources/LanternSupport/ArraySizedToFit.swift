extension Array {
    /// A copy in a buffer of its own with no spare capacity. `Array(self[...])` hands back
    /// the same buffer, spare capacity and all, and appending grows a buffer by doubling:
    /// lists kept for long (the head's closed chunks and postings, a target's scrape cache)
    /// are copied with this once they stop growing.
    public func sizedToFit() -> [Element] {
        var copy: [Element] = []
        copy.reserveCapacity(count)
        copy.append(contentsOf: self)
        return copy
    }
}
