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
            let (series, minTime, maxTime) = state.withLock { state in
                (state.head.select([], minTime: .min, maxTime: .max).sorted { $0.labels < $1.labels }, state.head.minTime, state.head.maxTime)
            }
            guard !series.isEmpty else { return }
            let writer = try BlockWriter(parentDirectory: target, nowMilliseconds: currentMilliseconds())
            do {
                for entry in series { try withUnsafeChunks(entry.chunks) { try writer.add(entry.labels, chunks: $0) } }
                let meta = try writer.finish(minTime: minTime, maxTime: maxTime + 1, level: 1)
                options.log("snapshot wrote the head as block \(meta.ulid) [\(meta.minTime), \(meta.maxTime)) into \(target)")
            } catch {
                writer.abandon()
                throw error
            }
        }
    }
}
