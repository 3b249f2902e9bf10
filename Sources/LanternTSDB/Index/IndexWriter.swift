import LanternMetrics
import LanternPromQL
import LanternSupport

/// One series of a block: its labels and the chunks already written to `chunks/`.
struct IndexedSeries {
    var labels: Labels
    var chunks: [ChunkMeta]
}

/// A label pair as the positions of its name and value in the index's symbol table.
typealias SymbolPair = (name: UInt32, value: UInt32)

/// Writes a block's `index` file, format v2 (see docs/format/index.md), the way
/// Prometheus' index.Writer does: the symbol table first (given whole), then each series
/// as it is added (16-byte aligned, id = offset / 16), then label indices, postings
/// (starting with the all-series list under the empty label pair), the label offset table,
/// the postings offset table and the TOC. Every section carries a CRC-32C.
///
/// The file is written as it goes, 1 MiB at a time; what stays in memory until the end is
/// each series' id and, per label name, 8 bytes per series carrying it (value and id),
/// from which label indices and postings are written. Building the file whole in memory,
/// with postings keyed by strings, cost ~25 MB at 100 k series.
final class IndexWriter {
    static let magic: UInt32 = 0xBAAA_D700
    static let version: UInt8 = 2

    private var out: IndexFileOutput
    private let symbols: [String]
    private let symbolsOffset: UInt64
    private let seriesOffset: UInt64
    private var seriesIDs: [UInt32] = []
    /// Per name position, `value position << 32 | series id` of each series with the name.
    private var postingsByName: [UInt32: [UInt64]] = [:]
    private var seriesBody = ByteEncoder()

    /// `symbols`: every name and value of the series to come, once each, sorted by their
    /// UTF-8 bytes, "" first (Prometheus' symbol table always holds it: the all-series
    /// postings key).
    init(path: String, symbols: [String]) throws {
        precondition(symbols.first == "", "the symbol table starts with \"\"")
        self.symbols = symbols
        out = try IndexFileOutput(path: path)
        do {
            try out.put { header in
                header.putBE32(Self.magic)
                header.putByte(Self.version)
            }
            symbolsOffset = UInt64(out.offset)
            let length = 4 + symbols.reduce(0) { $0 + uvarintLength(UInt64($1.utf8.count)) + $1.utf8.count }
            try out.put { $0.putBE32(UInt32(length)) }
            out.beginChecksum()
            try out.put { $0.putBE32(UInt32(symbols.count)) }
            for symbol in symbols { try out.put { $0.putUvarintString(symbol) } }
            try out.putChecksum()
            // TOC entries point before a section's alignment padding, as Prometheus writes them.
            seriesOffset = UInt64(out.offset)
        } catch {
            out.abandon()
            throw error
        }
    }

    /// Adds the next series, `pairs` sorted by name; series come sorted by labels.
    func addSeries(_ pairs: [SymbolPair], chunks: [ChunkMeta]) throws {
        try out.pad(to: 16)
        let id = UInt32(out.offset / 16)
        seriesIDs.append(id)
        seriesBody.bytes.removeAll(keepingCapacity: true)
        seriesBody.putUvarint(UInt64(pairs.count))
        for pair in pairs {
            seriesBody.putUvarint(UInt64(pair.name))
            seriesBody.putUvarint(UInt64(pair.value))
            postingsByName[pair.name, default: []].append(UInt64(pair.value) << 32 | UInt64(id))
        }
        Self.encodeChunks(chunks, into: &seriesBody)
        try out.put { $0.putUvarint(UInt64(self.seriesBody.count)) }
        out.beginChecksum()
        try out.put { $0.putBytes(self.seriesBody.bytes) }
        try out.putChecksum()
    }

    /// Writes label indices, postings, their offset tables and the TOC; fsyncs and closes.
    func finish() throws {
        let names = postingsByName.keys.sorted()
        // Value order, then series order: ids only grow, so within one value they are sorted.
        for name in names { postingsByName[name]!.sort() }

        let labelIndicesOffset = UInt64(out.offset)
        var labelIndexOffsets: [(name: UInt32, offset: UInt64)] = []
        for name in names {
            try out.pad(to: 4)
            labelIndexOffsets.append((name, UInt64(out.offset)))
            let values = Self.distinctValues(postingsByName[name]!)
            try out.put { $0.putBE32(UInt32(8 + 4 * values.count)) }
            out.beginChecksum()
            try out.put { body in
                body.putBE32(1)
                body.putBE32(UInt32(values.count))
            }
            for value in values { try out.put { $0.putBE32(value) } }
            try out.putChecksum()
        }

        let postingsOffset = UInt64(out.offset)
        var postingsTable = ByteEncoder()
        var postingsTableEntries: UInt32 = 0
        func writePostings(name: UInt32, value: UInt32, ids: some Collection<UInt32>) throws {
            try out.pad(to: 4)
            postingsTable.putByte(2)
            postingsTable.putUvarintString(symbols[Int(name)])
            postingsTable.putUvarintString(symbols[Int(value)])
            postingsTable.putUvarint(UInt64(out.offset))
            postingsTableEntries += 1
            try out.put { $0.putBE32(UInt32(4 + 4 * ids.count)) }
            out.beginChecksum()
            try out.put { $0.putBE32(UInt32(ids.count)) }
            for id in ids { try out.put { $0.putBE32(id) } }
            try out.putChecksum()
        }
        // Prometheus reads "all series" as the postings of the empty label pair.
        try writePostings(name: 0, value: 0, ids: seriesIDs)
        for name in names {
            let entries = postingsByName.removeValue(forKey: name)!
            var start = 0
            while start < entries.count {
                let value = entries[start] >> 32
                var end = start + 1
                while end < entries.count, entries[end] >> 32 == value { end += 1 }
                try writePostings(name: name, value: UInt32(value), ids: entries[start..<end].lazy.map { UInt32(truncatingIfNeeded: $0) })
                start = end
            }
        }

        let labelOffsetTableOffset = UInt64(out.offset)
        var labelTable = ByteEncoder()
        labelTable.putBE32(UInt32(labelIndexOffsets.count))
        for (name, offset) in labelIndexOffsets {
            labelTable.putByte(1)
            labelTable.putUvarintString(symbols[Int(name)])
            labelTable.putUvarint(offset)
        }
        try writeSection(labelTable.bytes[...])

        let postingsTableOffset = UInt64(out.offset)
        try out.put { $0.putBE32(UInt32(4 + postingsTable.count)) }
        out.beginChecksum()
        try out.put { $0.putBE32(postingsTableEntries) }
        try out.put { $0.putBytes(postingsTable.bytes) }
        try out.putChecksum()

        out.beginChecksum()
        for offset in [symbolsOffset, seriesOffset, labelIndicesOffset, labelOffsetTableOffset, postingsOffset, postingsTableOffset] {
            try out.put { $0.putBE64(offset) }
        }
        try out.putChecksum()
        try out.close()
    }

    /// Closes the file after a failure (the block writer removes it).
    func abandon() { out.abandon() }

    /// `len <4b> | body | CRC-32C(body)`, the frame of every fixed section.
    private func writeSection(_ body: ArraySlice<UInt8>) throws {
        try out.put { $0.putBE32(UInt32(body.count)) }
        out.beginChecksum()
        try out.put { $0.putBytes(body) }
        try out.putChecksum()
    }

    private static func distinctValues(_ entries: [UInt64]) -> [UInt32] {
        var values: [UInt32] = []
        for entry in entries where values.last != UInt32(entry >> 32) { values.append(UInt32(entry >> 32)) }
        return values
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

private func uvarintLength(_ value: UInt64) -> Int {
    var length = 1
    var rest = value >> 7
    while rest > 0 {
        length += 1
        rest >>= 7
    }
    return length
}
