import LanternMetrics
import LanternPromQL
import LanternSupport

/// One series of a block: its labels and the chunks already written to `chunks/`.
struct IndexedSeries {
    var labels: Labels
    var chunks: [ChunkMeta]
}

/// Writes a block's `index` file, format v2 (see docs/format/index.md): symbols, series
/// (16-byte aligned, id = offset / 16), label indices, postings (starting with the
/// all-series list under the empty label pair), the label offset table, the postings
/// offset table and the TOC, in Prometheus' order. Every section carries a CRC-32C.
enum IndexWriter {
    static let magic: UInt32 = 0xBAAA_D700
    static let version: UInt8 = 2

    /// `series` must be sorted by labels; the file is built in memory and fsynced.
    static func write(path: String, series: [IndexedSeries]) throws {
        var out = ByteEncoder(capacity: 1 << 16)
        out.putBE32(magic)
        out.putByte(version)

        // Prometheus' symbol table always holds "" (the all-series postings key). Keyed by
        // bytes: canonically equivalent spellings are distinct symbols (UTF8Key).
        var symbolSet: Set<UTF8Key> = [UTF8Key("")]
        for entry in series {
            for label in entry.labels.pairs {
                symbolSet.insert(UTF8Key(label.name))
                symbolSet.insert(UTF8Key(label.value))
            }
        }
        let symbols = symbolSet.map(\.string).sorted { $0.utf8Precedes($1) }
        var symbolIndex: [UTF8Key: Int] = [:]
        for (index, symbol) in symbols.enumerated() { symbolIndex[UTF8Key(symbol)] = index }

        let symbolsOffset = UInt64(out.count)
        writeSection(&out) { body in
            body.putBE32(UInt32(symbols.count))
            for symbol in symbols { body.putUvarintString(symbol) }
        }

        // TOC entries point before a section's alignment padding, as Prometheus writes them.
        let seriesOffset = UInt64(out.count)
        var seriesIDs: [UInt32] = []
        var postings: [UTF8Key: [UTF8Key: [UInt32]]] = [:]
        for entry in series {
            out.pad(to: 16)
            let id = UInt32(out.count / 16)
            seriesIDs.append(id)
            var body = ByteEncoder()
            body.putUvarint(UInt64(entry.labels.pairs.count))
            for label in entry.labels.pairs {
                body.putUvarint(UInt64(symbolIndex[UTF8Key(label.name)]!))
                body.putUvarint(UInt64(symbolIndex[UTF8Key(label.value)]!))
                postings[UTF8Key(label.name), default: [:]][UTF8Key(label.value), default: []].append(id)
            }
            encodeChunks(entry.chunks, into: &body)
            out.putUvarint(UInt64(body.count))
            let start = out.count
            out.putBytes(body.bytes)
            out.putChecksum(from: start)
        }

        let labelNames = postings.keys.sorted { $0.string.utf8Precedes($1.string) }
        let labelIndicesOffset = UInt64(out.count)
        var labelIndexOffsets: [(String, UInt64)] = []
        for name in labelNames {
            out.pad(to: 4)
            labelIndexOffsets.append((name.string, UInt64(out.count)))
            let values = postings[name]!.keys.sorted { $0.string.utf8Precedes($1.string) }
            writeSection(&out) { body in
                body.putBE32(1)
                body.putBE32(UInt32(values.count))
                for value in values { body.putBE32(UInt32(symbolIndex[value]!)) }
            }
        }
        var postingsOffsets: [(name: String, value: String, offset: UInt64)] = []
        func writePostings(name: String, value: String, ids: [UInt32]) {
            out.pad(to: 4)
            postingsOffsets.append((name, value, UInt64(out.count)))
            writeSection(&out) { body in
                body.putBE32(UInt32(ids.count))
                for id in ids { body.putBE32(id) }
            }
        }
        let postingsOffset = UInt64(out.count)
        // Prometheus reads "all series" as the postings of the empty label pair.
        writePostings(name: "", value: "", ids: seriesIDs)
        for name in labelNames {
            let byValue = postings[name]!
            for value in byValue.keys.sorted(by: { $0.string.utf8Precedes($1.string) }) {
                writePostings(name: name.string, value: value.string, ids: byValue[value]!)
            }
        }

        let labelOffsetTableOffset = UInt64(out.count)
        writeSection(&out) { body in
            body.putBE32(UInt32(labelIndexOffsets.count))
            for (name, offset) in labelIndexOffsets {
                body.putByte(1)
                body.putUvarintString(name)
                body.putUvarint(offset)
            }
        }

        let postingsTableOffset = UInt64(out.count)
        writeSection(&out) { body in
            body.putBE32(UInt32(postingsOffsets.count))
            for entry in postingsOffsets {
                body.putByte(2)
                body.putUvarintString(entry.name)
                body.putUvarintString(entry.value)
                body.putUvarint(entry.offset)
            }
        }

        let tocStart = out.count
        for offset in [symbolsOffset, seriesOffset, labelIndicesOffset, labelOffsetTableOffset, postingsOffset, postingsTableOffset] {
            out.putBE64(offset)
        }
        out.putChecksum(from: tocStart)
        try FileSystem.writeFile(path, out.bytes)
    }

    /// `len <4b> | body | CRC-32C(body)`, the frame of every fixed section.
    private static func writeSection(_ out: inout ByteEncoder, _ body: (inout ByteEncoder) -> Void) {
        var encoded = ByteEncoder()
        body(&encoded)
        out.putBE32(UInt32(encoded.count))
        let start = out.count
        out.putBytes(encoded.bytes)
        out.putChecksum(from: start)
    }

    /// First chunk absolute, later ones as deltas to the previous chunk, as v2 specifies.
    private static func encodeChunks(_ chunks: [ChunkMeta], into body: inout ByteEncoder) {
        body.putUvarint(UInt64(chunks.count))
        guard let first = chunks.first else { return }
        body.putVarint(first.minTime)
        body.putUvarint(UInt64(first.maxTime - first.minTime))
        body.putUvarint(first.reference)
        var previous = first
        for chunk in chunks.dropFirst() {
            body.putUvarint(UInt64(chunk.minTime - previous.maxTime))
            body.putUvarint(UInt64(chunk.maxTime - chunk.minTime))
            body.putVarint(Int64(bitPattern: chunk.reference &- previous.reference))
            previous = chunk
        }
    }
}
