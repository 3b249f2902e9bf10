import LanternPromQL
import Testing
@testable import LanternTSDB

/// The head's compact label sets: what goes in comes out, strings are told apart by their
/// bytes, and compaction keeps the live sets while dropping the removed ones.
@Suite struct LabelSetStoreTests {
    /// 300 distinct values: symbol numbers past 127 take two varint bytes.
    private func series(_ index: Int) -> Labels {
        labels(["__name__": "bench_http_request_duration_seconds_bucket", "instance": "127.0.0.1:\(9000 + index % 7)", "le": "v\(index)"])
    }

    @Test func labelSetsComeBackAsStored() {
        var store = LabelSetStore()
        let offsets = (0..<300).map { store.store(series($0)) }
        for (index, offset) in offsets.enumerated() {
            #expect(store.labels(at: offset) == series(index))
            #expect(store.labels(at: offset).pairs.map(\.name) == ["__name__", "instance", "le"])
            #expect(store.matches(at: offset, series(index)))
            #expect(!store.matches(at: offset, series(index + 1)))
            #expect(store.value(at: offset, of: "le") == "v\(index)")
            #expect(store.value(at: offset, of: "job") == nil)
        }
        let empty = store.store(Labels())
        #expect(store.labels(at: empty) == Labels() && store.matches(at: empty, Labels()) && !store.matches(at: empty, series(0)))
        #expect(!store.matches(at: offsets[0], series(0).removing(["le"])))
    }

    @Test func canonicallyEquivalentSpellingsStayDistinct() {
        // U+212A KELVIN SIGN and "K", "é" precomposed and decomposed: equal for Swift's
        // `==`, different bytes, so different label values for Prometheus.
        var store = LabelSetStore()
        let spellings = ["\u{212A}", "K", "\u{E9}", "e\u{301}"]
        let offsets = spellings.map { store.store(labels(["unit": $0])) }
        for (offset, spelling) in zip(offsets, spellings) {
            #expect(Array(store.value(at: offset, of: "unit")!.utf8) == Array(spelling.utf8))
            #expect(Array(store.labels(at: offset).pairs[0].value.utf8) == Array(spelling.utf8))
        }
        #expect(!store.matches(at: offsets[0], labels(["unit": "K"])))
        #expect(!store.matches(at: offsets[2], labels(["unit": "e\u{301}"])))
    }

    @Test func compactionKeepsTheLiveSetsOnly() {
        var store = LabelSetStore()
        let offsets = (0..<3000).map { store.store(series($0)) }
        for offset in offsets.indices where offset % 4 != 0 { store.release(at: offsets[offset]) }
        #expect(store.wantsCompaction)
        let kept = offsets.indices.filter { $0 % 4 == 0 }
        let (compacted, moved) = store.compacted(keeping: kept.map { offsets[$0] })
        #expect(compacted.releasedBytes == 0 && !compacted.wantsCompaction)
        for (index, offset) in zip(kept, moved) { #expect(compacted.labels(at: offset) == series(index)) }
    }

    @Test func headSeriesOfCanonicallyEquivalentLabelsAreTwoSeries() {
        var head = Head(chunkRange: 1000)
        let kelvin = head.getOrCreate(labels(["__name__": "t", "unit": "\u{212A}"]))
        let letter = head.getOrCreate(labels(["__name__": "t", "unit": "K"]))
        #expect(kelvin.created && letter.created && kelvin.reference != letter.reference)
        #expect(Array(head.seriesByReference.labels(of: letter.reference)!["unit"]!.utf8) == Array("K".utf8))
    }
}
