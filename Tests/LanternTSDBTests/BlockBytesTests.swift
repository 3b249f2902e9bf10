import LanternPromQL
import Testing
@testable import LanternTSDB

/// The bytes of the files a block write produces, pinned: Prometheus and promtool read
/// them, and the writers' memory work (streaming the index, series taken from the head one
/// at a time) must not change a byte. The fingerprints were taken from the writer that
/// built the whole index in memory from `Labels` (the block format promtool reads in
/// BlockTests and the interop suites).
@Suite struct BlockBytesTests {
    private let hour: Int64 = 3_600_000

    /// 600 series of varied shape (one to four labels, shared and unique values, long and
    /// non-ASCII strings, a label name that sorts before `__name__`), a sample every 30 s
    /// for 3 h; a third of the series stop after 40 min, so their last chunk stays open.
    private func fill(_ database: TSDB) throws {
        for step in Int64(0)..<360 {
            let appender = database.appender()
            for series in 0..<600 where series % 3 != 0 || step < 80 {
                var pairs = ["__name__": series % 4 == 0 ? "node_network_receive_bytes_total" : "up", "instance": "host-\(series % 7):9100"]
                pairs[series % 2 == 0 ? "device" : "cpu"] = series % 2 == 0 ? "eth\(series)" : "\(series)"
                if series % 5 == 0 { pairs["mode"] = series % 10 == 0 ? "ünïcode-value-longer-than-fifteen" : "idle" }
                if series % 11 == 0 { pairs["_early"] = "x" }
                if series == 599 { pairs = ["__name__": "lonely"] }
                let value = series % 2 == 0 ? Double(step) * 1500 + Double(series) : Double((step + Int64(series)) % 17) / 7
                try appender.append(labels: labels(pairs), timestampMilliseconds: step * 30_000, value: value)
            }
            try appender.commit()
        }
    }

    /// `size:crc32c` of a file.
    private func fingerprint(_ path: String) throws -> String {
        let bytes = try FileSystem.readFile(path)
        return "\(bytes.count):\(CRC32C.checksum(bytes))"
    }

    private func blockFingerprints(_ directory: String, _ meta: BlockMeta) throws -> [String] {
        let block = directory + "/" + meta.ulid
        return [try fingerprint(block + "/index"), try fingerprint(block + "/chunks/000001")]
    }

    @Test func headBlocksMergedBlocksAndSnapshotsKeepTheirBytes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var options = testOptions(blockDuration: hour)
        options.maxBlockDuration = 3 * hour
        let database = try TSDB(directory: directory.path, options: options)
        try fill(database)

        let snapshot = directory.path + "/snapshot"
        try database.snapshot(into: snapshot, includeHead: true)
        let snapshotMeta = try #require(try TSDB(directory: snapshot, options: testOptions()).blockMetas.first)
        #expect(try blockFingerprints(snapshot, snapshotMeta) == ["59898:511510350", "840070:2097460679"])

        try database.persistHead(upTo: 3 * hour)
        let headBlocks = database.blockMetas
        #expect(headBlocks.count == 3)
        #expect(try headBlocks.map { try blockFingerprints(directory.path, $0) } == [
            ["52342:1259442308", "336514:993913543"], ["36860:2958797554", "251947:2525033442"], ["36860:919317758", "251625:539725684"],
        ])

        try database.compact()
        let merged = database.blockMetas
        #expect(merged.count == 1)
        #expect(try merged.map { try blockFingerprints(directory.path, $0) } == [["59898:511510350", "840070:2097460679"]])
        try database.close()
    }
}
