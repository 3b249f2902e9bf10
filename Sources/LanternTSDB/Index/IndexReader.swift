import LanternMetrics
import LanternPromQL
import LanternSupport

/// Reads a v2 `index` in place (mmap). The symbol table and the postings offset table
/// are decoded at open; series and postings lists are decoded on demand.
final class IndexReader: Sendable {
    private let file: MappedFile
    private let symbols: [String]
    /// Label name -> (value, offset of its postings list), values in byte order.
    private let postingsOffsets: [String: [(value: String, offset: Int)]]

    init(path: String) throws {
        file = try MappedFile(path: path)
        let bytes = file.bytes
        guard bytes.count >= 5 + 52, try bytes.readBE32(at: 0) == IndexWriter.magic else {
            throw FormatError("\(path): not an index file (bad magic)")
        }
        guard bytes[4] == IndexWriter.version else { throw FormatError("\(path): index version \(bytes[4]) unsupported") }
        let tocStart = bytes.count - 52
        var toc = ByteDecoder(bytes, offset: tocStart)
        let offsets = try (0..<6).map { _ in Int(try toc.be64()) }
        guard CRC32C.checksum(try bytes.slice(tocStart..<tocStart + 48)) == (try toc.be32()) else {
            throw FormatError("\(path): TOC checksum mismatch")
        }

        var symbolSection = try Self.section(bytes, at: offsets[0], path: path)
        symbols = try (0..<Int(try symbolSection.be32())).map { _ in try symbolSection.uvarintString() }

        var table: [String: [(value: String, offset: Int)]] = [:]
        if offsets[5] != 0 {
            var section = try Self.section(bytes, at: offsets[5], path: path)
            for _ in 0..<Int(try section.be32()) {
                guard try section.byte() == 2 else { throw FormatError("\(path): postings offset entry without 2 keys") }
                let name = try section.uvarintString(), value = try section.uvarintString()
                table[name, default: []].append((value, Int(try section.uvarint())))
            }
        }
        postingsOffsets = table
    }

    /// A `len <4b> | body | CRC` section: checks the checksum, returns a decoder over the body.
    private static func section(_ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws -> ByteDecoder {
        let length = Int(try bytes.readBE32(at: offset))
        let body = try bytes.slice(offset + 4..<offset + 4 + length)
        guard CRC32C.checksum(body) == (try bytes.readBE32(at: offset + 4 + length)) else {
            throw FormatError("\(path): checksum mismatch in section at \(offset)")
        }
        return ByteDecoder(body)
    }

    /// Sorted label names of the block.
    var labelNames: [String] { postingsOffsets.keys.filter { !$0.isEmpty }.sorted { $0.utf8Precedes($1) } }

    func labelValues(_ name: String) -> [String] { postingsOffsets[name]?.map(\.value) ?? [] }

    /// Series ids holding `name=value`; `("", "")` gives every series.
    func postings(_ name: String, _ value: String) throws -> [UInt32] {
        guard let entry = postingsOffsets[name]?.first(where: { $0.value.utf8Equals(value) }) else { return [] }
        return try postings(at: entry.offset)
    }

    /// Union of the postings of every value of `name` accepted by `accepts`.
    func postings(_ name: String, where accepts: (String) -> Bool) throws -> [UInt32] {
        var ids = Set<UInt32>()
        for entry in postingsOffsets[name] ?? [] where accepts(entry.value) {
            ids.formUnion(try postings(at: entry.offset))
        }
        return ids.sorted()
    }

    private func postings(at offset: Int) throws -> [UInt32] {
        var section = try Self.section(file.bytes, at: offset, path: file.path)
        return try (0..<Int(try section.be32())).map { _ in try section.be32() }
    }

    /// Labels and chunk metadata of the series with id `id`.
    func series(_ id: UInt32) throws -> IndexedSeries {
        var decoder = ByteDecoder(file.bytes, offset: Int(id) * 16)
        let length = Int(try decoder.uvarint())
        let body = try file.bytes.slice(decoder.offset..<decoder.offset + length)
        guard CRC32C.checksum(body) == (try file.bytes.readBE32(at: decoder.offset + length)) else {
            throw FormatError("\(file.path): checksum mismatch in series \(id)")
        }
        var entry = ByteDecoder(body)
        var pairs: [Label] = []
        for _ in 0..<Int(try entry.uvarint()) {
            pairs.append(Label(try symbol(try entry.uvarint()), try symbol(try entry.uvarint())))
        }
        var chunks: [ChunkMeta] = []
        let chunkCount = Int(try entry.uvarint())
        if chunkCount > 0 {
            let minTime = try entry.varint()
            var previous = ChunkMeta(minTime: minTime, maxTime: minTime + Int64(try entry.uvarint()), reference: try entry.uvarint())
            chunks.append(previous)
            for _ in 1..<chunkCount {
                let minTime = previous.maxTime + Int64(try entry.uvarint())
                let maxTime = minTime + Int64(try entry.uvarint())
                let reference = previous.reference &+ UInt64(bitPattern: try entry.varint())
                previous = ChunkMeta(minTime: minTime, maxTime: maxTime, reference: reference)
                chunks.append(previous)
            }
        }
        return IndexedSeries(labels: Labels(pairs), chunks: chunks)
    }

    private func symbol(_ index: UInt64) throws -> String {
        guard index < UInt64(symbols.count) else { throw FormatError("\(file.path): symbol \(index) out of range") }
        return symbols[Int(index)]
    }
}
