import Glibc
import LanternPromQL
import Synchronization

/// Reference of a series in the head, stable for the life of the series.
public typealias SeriesRef = UInt64

/// A Prometheus-format time-series database in one directory: `lock`, `wal/` and
/// block directories named by ULID. Appends go to the WAL, then the head; `compact()`
/// turns old head data into blocks, merges blocks, applies retention and truncates
/// the WAL. Thread-safe: appenders, queriers and maintenance may run concurrently.
public final class TSDB: Sendable {
    struct State: ~Copyable {
        var head: Head
        var blocks: [Block]
        var wal: WALWriter?
        var stats = TSDBStats()
    }

    public let directory: String
    let options: TSDBOptions
    let state: Mutex<State>
    /// Serialises `compact()` runs; appends and queries continue meanwhile.
    let maintenance = Mutex<Void>(())
    private let lockFileDescriptor: Int32

    /// Opens (creating if needed) the database, replaying and repairing the WAL.
    public init(directory: String, options: TSDBOptions = TSDBOptions()) throws {
        self.directory = directory
        self.options = options
        try FileSystem.createDirectory(directory)
        lockFileDescriptor = open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFileDescriptor >= 0 else { throw SystemError("open", directory + "/lock") }
        guard flock(lockFileDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = SystemError("lock", directory + "/lock")
            Glibc.close(lockFileDescriptor)
            throw error
        }

        var stats = TSDBStats()
        let blocks = Self.openBlocks(directory: directory, options: options, stats: &stats)
        var head = Head(chunkRange: options.minBlockDuration)
        head.minValidTime = blocks.last?.meta.maxTime ?? .min
        let walDirectory = directory + "/wal"
        try FileSystem.createDirectory(walDirectory)
        let nextSegment = try WALReplay.replay(directory: walDirectory, into: &head, stats: &stats, log: options.log)
        let wal = try WALWriter(directory: walDirectory, segmentIndex: nextSegment, compressesRecords: options.walCompression)
        state = Mutex(State(head: head, blocks: blocks, wal: wal, stats: stats))
    }

    /// Loads block directories, skipping unreadable ones (logged) and deleting blocks
    /// superseded by a compacted block (a crash between writing it and removing them).
    private static func openBlocks(directory: String, options: TSDBOptions, stats: inout TSDBStats) -> [Block] {
        var blocks: [Block] = []
        for name in (try? FileSystem.listDirectory(directory)) ?? [] {
            let path = directory + "/" + name
            if name.hasSuffix(BlockWriter.temporarySuffix) || name.hasSuffix(".tmp") {
                try? FileSystem.removeRecursively(path)
                continue
            }
            guard ULID.isValid(name), FileSystem.isDirectory(path) else { continue }
            do {
                blocks.append(try Block(directory: path))
            } catch {
                stats.blocksSkippedAtOpen += 1
                options.log("skipping unreadable block \(name): \(error)")
            }
        }
        let superseded = Set(blocks.flatMap { $0.meta.parents.map(\.ulid) })
        for block in blocks where superseded.contains(block.meta.ulid) {
            options.log("deleting block \(block.meta.ulid), already compacted into a newer block")
            try? FileSystem.removeRecursively(block.directory)
        }
        return blocks.filter { !superseded.contains($0.meta.ulid) }.sorted { $0.meta.minTime < $1.meta.minTime }
    }

    public func appender() -> Appender { Appender(database: self) }

    /// Fsyncs the WAL: samples committed before this call survive a power loss.
    public func sync() throws {
        try state.withLock { state in try state.wal?.sync() }
    }

    /// Flushes and closes the WAL and releases the directory lock; the TSDB is unusable after.
    public func close() throws {
        try state.withLock { state in
            try state.wal?.close()
            state.wal = nil
        }
        flock(lockFileDescriptor, LOCK_UN)
        Glibc.close(lockFileDescriptor)
    }

    public var stats: TSDBStats {
        state.withLock { state in
            var stats = state.stats
            stats.headSeries = state.head.seriesCount
            stats.headChunks = state.head.chunkCount
            stats.headMinTime = state.head.minTime
            stats.headMaxTime = state.head.maxTime
            stats.blockCount = state.blocks.count
            return stats
        }
    }

    public var blockMetas: [BlockMeta] { state.withLock { state in state.blocks.map(\.meta) } }

    /// Bytes of the WAL directory (segments and checkpoints).
    public var walSizeInBytes: Int64 { FileSystem.treeSize(directory + "/wal") }
}
