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

    /// What a block write reads from the store instead of `Labels`: the symbol table of
    /// the sets it writes (sorted by bytes, "" first, nothing of other sets) and the series
    /// order of `Labels <`, Prometheus' `labels.Compare`.
    @Test func indexSymbolsAndOrderAreThoseOfTheLabelSets() {
        var store = LabelSetStore()
        let sets = (0..<300).map { index in
            var pairs = ["__name__": index % 3 == 0 ? "up" : "node_cpu_seconds_total", "cpu": "\(index % 40)"]
            if index % 2 == 0 { pairs["mode"] = index % 4 == 0 ? "idle" : "ünïcode" }
            if index % 7 == 0 { pairs["_a"] = "z" }
            return labels(pairs)
        } + [labels(["__name__": "up"]), labels(["__name__": "up", "cpu": "1"]), labels(["zz": "only"])]
        var offsets = sets.map { store.store($0) }
        let unwritten = store.store(labels(["other": "not-in-this-block"]))
        let (symbols, positions) = store.indexSymbols(of: offsets)
        #expect(symbols == IndexSymbols(sets).symbols)
        // Every symbol but the other set's two has a place ("" is no stored symbol).
        #expect(positions.filter { $0 != LabelSetStore.unused }.count == symbols.count - 1)
        #expect(store.indexSymbols(of: [unwritten]).symbols == ["", "not-in-this-block", "other"])

        offsets.sort { store.precedes($0, $1, positions: positions) }
        #expect(offsets.map { store.labels(at: $0) } == sets.sorted())
        var pairs: [SymbolPair] = []
        let table = IndexSymbols(sets)
        for offset in offsets {
            store.symbolPairs(at: offset, positions: positions, into: &pairs)
            let expected = table.pairs(store.labels(at: offset))
            #expect(pairs.map(\.name) == expected.map(\.name) && pairs.map(\.value) == expected.map(\.value))
        }
    }

    /// The head hands a query its series in `labels.Compare` order (bytes) through symbol
    /// positions: the order a sort by `Labels <` gives, for names sorting before
    /// `__name__`, sets that are prefixes of others, and values whose Swift order differs
    /// from their bytes' (canonically equivalent spellings, non-ASCII).
    @Test func headSelectionComesInLabelOrder() throws {
        var head = Head(chunkRange: 1000)
        let values = ["\u{212A}", "K", "\u{E9}", "e\u{301}", "e", "f", "", "z\u{308}", "\u{FFFD}", "a", "ab", "a b"]
        var sets: [Labels] = []
        for (index, value) in values.enumerated() {
            var pairs = ["__name__": index % 2 == 0 ? "m" : "m_total"]
            if !value.isEmpty { pairs["unit"] = value }
            if index % 3 == 0 { pairs["A"] = value.isEmpty ? "x" : value }
            if index % 4 == 0 { pairs["zone"] = "\(index)" }
            sets.append(labels(pairs))
        }
        for set in sets.shuffled() {
            let (reference, _) = head.getOrCreate(set)
            head.append(reference, 10, 1)
        }
        let selection = head.select([try LabelMatcher(.regexMatch, "__name__", "m.*")], minTime: 0, maxTime: 100)
        #expect(selection.series.count == sets.count)
        let ordered = selection.inLabelOrder().map(\.labels)
        #expect(ordered == sets.sorted(by: <))
        let bytes = { (set: Labels) in set.pairs.flatMap { [Array($0.name.utf8), Array($0.value.utf8)] } }
        #expect(zip(ordered, ordered.dropFirst()).allSatisfy { bytes($0).lexicographicallyPrecedes(bytes($1)) { $0.lexicographicallyPrecedes($1) } })
    }
}
