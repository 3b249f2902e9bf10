import Glibc
import LanternPromQL

extension TSDB {
    /// Copies the database into `target` as Prometheus' snapshot does: every block by hard
    /// links (no data copied, safe because blocks are immutable), and, with `includeHead`,
    /// the head's samples written as one more block, so the snapshot is a complete data
    /// directory another server (or `promtool`) opens without a WAL. Holds the maintenance
    /// lock so no block is compacted or deleted while it is linked.
    public func snapshot(into target: String, includeHead: Bool) throws {
        try maintenance.withLock { _ in
            try FileSystem.createDirectory(target)
            let blocks = state.withLock { state in state.blocks }
            for block in blocks { try FileSystem.hardLinkTree(block.directory, target + "/" + block.meta.ulid) }
            guard includeHead else { return }
            let (contents, minTime, maxTime) = state.withLock { state in
                (state.head.blockContents(.min ..< .max), state.head.minTime, state.head.maxTime)
            }
            guard !contents.isEmpty else { return }
            let meta = try contents.write(into: target, minTime: minTime, maxTime: maxTime + 1)
            options.log("snapshot wrote the head as block \(meta.ulid) [\(meta.minTime), \(meta.maxTime)) into \(target)")
        }
    }
}
