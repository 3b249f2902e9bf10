/// A persistent block opened read-only: its meta, its index and its chunk segments,
/// all mmap'ed. Queriers retain the block, so deleting its directory (retention,
/// compaction) never pulls memory from under a running query.
public final class Block: Sendable {
    public let meta: BlockMeta
    let directory: String
    let index: IndexReader
    let chunks: ChunkSegmentReader

    init(directory: String) throws {
        self.directory = directory
        meta = try BlockMeta(parsing: try FileSystem.readFile(directory + "/meta.json"))
        guard try Tombstones.isEmpty(path: directory + "/tombstones") else {
            throw FormatError("\(directory): block has tombstones (deletions), which Lantern cannot apply yet")
        }
        index = try IndexReader(path: directory + "/index")
        chunks = try ChunkSegmentReader(directory: directory + "/chunks")
    }

    var sizeInBytes: Int64 { FileSystem.treeSize(directory) }

    func overlaps(_ minTime: Int64, _ maxTime: Int64) -> Bool { meta.minTime <= maxTime && minTime < meta.maxTime }
}

extension IndexReader: PostingsSource {
    func allSeriesIDs() throws -> [UInt32] { try postings("", "") }
    func seriesIDs(_ name: String, _ value: String) throws -> [UInt32] { try postings(name, value) }
    func seriesIDs(_ name: String, where accepts: (String) -> Bool) throws -> [UInt32] { try postings(name, where: accepts) }
}
