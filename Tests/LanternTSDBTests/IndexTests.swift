import LanternPromQL
import Testing
@testable import LanternTSDB

@Suite struct IndexTests {
    @Test func indexRoundTrip() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let series = (0..<300).map { index in
            IndexedSeries(labels: labels(["__name__": index % 3 == 0 ? "up" : "node_cpu_seconds_total", "cpu": "\(index)", "mode": index % 2 == 0 ? "idle" : "ünïcode"]),
                          chunks: (0..<index % 4).map { ChunkMeta(minTime: Int64($0) * 1000 - 500, maxTime: Int64($0) * 1000 + 400, reference: UInt64($0) << 32 | UInt64(8 + index * 100 + $0)) })
        }.sorted { $0.labels < $1.labels }
        try writeIndex(path: directory.path + "/index", series: series)
        let reader = try IndexReader(path: directory.path + "/index")

        let all = try reader.allSeriesIDs()
        #expect(all.count == series.count)
        for (id, expected) in zip(all, series) {
            let decoded = try reader.series(id)
            #expect(decoded.labels == expected.labels)
            #expect(decoded.chunks.map(\.minTime) == expected.chunks.map(\.minTime))
            #expect(decoded.chunks.map(\.maxTime) == expected.chunks.map(\.maxTime))
            #expect(decoded.chunks.map(\.reference) == expected.chunks.map(\.reference))
        }
        #expect(reader.labelNames == ["__name__", "cpu", "mode"])
        #expect(reader.labelValues("mode") == ["idle", "ünïcode"])
        #expect(try reader.postings("__name__", "up").count == 100)
        let matched = try reader.candidateIDs([try LabelMatcher(.regexMatch, "cpu", "1.|2")])
        #expect(matched.count == 11)
    }

    @Test func corruptIndexIsRejected() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/index"
        try writeIndex(path: path, series: [IndexedSeries(labels: labels(["__name__": "a"]), chunks: [])])
        var bytes = try FileSystem.readFile(path)
        bytes[bytes.count - 10] ^= 0xFF
        try FileSystem.writeFile(path, bytes)
        #expect(throws: FormatError.self) { _ = try IndexReader(path: path) }
    }

    private func writeIndex(path: String, series: [IndexedSeries]) throws {
        let symbols = IndexSymbols(series.map(\.labels))
        let writer = try IndexWriter(path: path, symbols: symbols.symbols)
        for entry in series { try writer.addSeries(symbols.pairs(entry.labels), chunks: entry.chunks) }
        try writer.finish()
    }
}
