/// One line of /proc/buddyinfo: free blocks of each order in a zone.
public struct BuddyinfoZone: Sendable, Hashable {
    public var node: String
    public var zone: String
    /// Free block counts, by order (block size 2^order pages).
    public var freeBlocks: [Double]
}

/// /proc/buddyinfo (`Node 0, zone   DMA   1 0 1 ...`). Every line must have as many
/// orders as the first one.
public enum Buddyinfo {
    public static func parse(_ text: String) throws(KernelParseError) -> [BuddyinfoZone] {
        var zones: [BuddyinfoZone] = []
        for line in lines(text) {
            let parts = fields(line)
            if parts.isEmpty { continue }
            guard parts.count >= 4 else { throw KernelParseError("invalid number of fields in buddyinfo line \"\(trimmed(line))\"") }
            var blocks: [Double] = []
            for text in parts[4...] {
                blocks.append(try parseDouble(text, field: "free block count"))
            }
            if let first = zones.first, first.freeBlocks.count != blocks.count {
                throw KernelParseError("mismatch in number of buddyinfo buckets: \(blocks.count) instead of \(first.freeBlocks.count)")
            }
            zones.append(BuddyinfoZone(node: trimmingCommas(parts[1]), zone: trimmingCommas(parts[3]), freeBlocks: blocks))
        }
        return zones
    }

    private static func trimmingCommas(_ text: Substring) -> String {
        String(text.reversed().drop { $0 == "," }.reversed())
    }
}
