/// Reads the WAL of a running database from outside it, as remote write does: which
/// segments and checkpoint exist, and a segment's records from a byte offset on. The
/// newest segment is being written meanwhile, so its tail may hold a torn record.
public enum WALFollower {
    /// Where a segment could be read up to: the end of its last complete record, and
    /// whether the read stopped early at a torn or damaged record.
    public struct ReadResult: Sendable {
        public var endOffset: Int
        public var stoppedAtDamage: Bool
    }

    public static func walDirectory(of database: TSDB) -> String { database.directory + "/wal" }

    /// Segment indexes in `walDirectory`, ascending.
    public static func segments(in walDirectory: String) throws -> [Int] {
        try WALFormat.segmentIndexes(in: walDirectory)
    }

    public static func segmentPath(_ walDirectory: String, _ index: Int) -> String {
        walDirectory + "/" + WALFormat.segmentName(index)
    }

    /// The newest checkpoint: the last segment index it covers and the paths of its segments.
    public static func checkpoint(in walDirectory: String) throws -> (coversThrough: Int, segmentPaths: [String])? {
        guard let checkpoint = try WALFormat.latestCheckpoint(in: walDirectory) else { return nil }
        let paths = try WALFormat.segmentIndexes(in: checkpoint.path).map { checkpoint.path + "/" + WALFormat.segmentName($0) }
        return (checkpoint.index, paths)
    }

    /// Calls `body` with each complete record from `offset` and the offset just after it.
    /// A torn or damaged record ends the read without an error: on the live segment it
    /// is a write in progress, to be read again later.
    public static func read(
        segmentPath: String, from offset: Int, _ body: (WALRecord, _ endOffset: Int) throws -> Void
    ) throws -> ReadResult {
        var end = offset
        do {
            try WALSegmentReader.read(path: segmentPath, from: offset) { payload, recordEnd in
                try body(try WALRecord(decoding: payload), recordEnd)
                end = recordEnd
            }
        } catch is WALCorruption {
            return ReadResult(endOffset: end, stoppedAtDamage: true)
        }
        return ReadResult(endOffset: end, stoppedAtDamage: false)
    }
}
