/// The segment layout of Prometheus' write-ahead log (tsdb/docs/format/wal.md):
/// numbered segment files of at most 128 MiB, written in 32 KiB pages. A record is
/// split into fragments that never cross a page, each `type <1b> | len <2b BE> |
/// CRC-32C(data) <4b BE> | data`. Type 0 means "rest of the page is zero padding".
/// The type byte's bit 3 marks every fragment of a record stored snappy-compressed
/// (the checksum covers the compressed bytes).
enum WALFormat {
    static let pageSize = 32 * 1024
    static let segmentSize = 128 * 1024 * 1024
    static let fragmentHeaderSize = 7

    enum FragmentType: UInt8 {
        case pageTerminator = 0, full = 1, first = 2, middle = 3, last = 4
    }

    static let fragmentTypeMask: UInt8 = 0x07
    static let snappyFlag: UInt8 = 0x08

    static func segmentName(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    static func checkpointName(_ index: Int) -> String { "checkpoint." + segmentName(index) }

    /// Segment indexes present in `directory`, ascending.
    static func segmentIndexes(in directory: String) throws -> [Int] {
        try FileSystem.listDirectory(directory).compactMap { name in
            name.utf8.count == 8 && name.allSatisfy(\.isNumber) ? Int(name) : nil
        }.sorted()
    }

    /// The newest complete checkpoint directory: (index of the last segment it covers, path).
    static func latestCheckpoint(in directory: String) throws -> (index: Int, path: String)? {
        try FileSystem.listDirectory(directory).compactMap { name -> (Int, String)? in
            guard name.hasPrefix("checkpoint."), !name.hasSuffix(".tmp"), let index = Int(name.dropFirst(11)) else { return nil }
            return (index, directory + "/" + name)
        }.max { $0.0 < $1.0 }
    }
}
