/// A file or record was not what its format says: bad magic, checksum, or a field
/// running past its section.
public struct FormatError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Reads the encodings of `ByteEncoder` from borrowed memory (often an mmap'ed file),
/// without copying. Every read is bounds-checked and throws `FormatError` past the end.
struct ByteDecoder {
    let base: UnsafeRawBufferPointer
    var offset: Int

    init(_ base: UnsafeRawBufferPointer, offset: Int = 0) {
        self.base = base
        self.offset = offset
    }

    var remaining: Int { base.count - offset }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw FormatError("read of \(count) bytes at \(offset) past end \(base.count)") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: base[offset..<offset + count])
    }

    mutating func byte() throws -> UInt8 { try take(1)[0] }

    mutating func be16() throws -> UInt16 { UInt16(try bigEndian(2)) }

    mutating func be32() throws -> UInt32 { UInt32(try bigEndian(4)) }

    mutating func be64() throws -> UInt64 { try bigEndian(8) }

    private mutating func bigEndian(_ width: Int) throws -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func uvarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64, shift < 63 || next <= 1 else { throw FormatError("varint overflows 64 bits at \(offset)") }
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return result }
            shift += 7
        }
    }

    mutating func varint() throws -> Int64 {
        let zigZagged = try uvarint()
        return Int64(bitPattern: zigZagged >> 1) ^ -Int64(bitPattern: zigZagged & 1)
    }

    mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer { try take(count) }

    mutating func uvarintString() throws -> String {
        let length = try uvarint()
        guard length <= UInt64(remaining) else { throw FormatError("string of \(length) bytes past end at \(offset)") }
        return String(decoding: try take(Int(length)), as: UTF8.self)
    }
}

extension UnsafeRawBufferPointer {
    /// Big-endian UInt32 at `offset`, bounds-checked.
    func readBE32(at offset: Int) throws -> UInt32 {
        var decoder = ByteDecoder(self, offset: offset)
        return try decoder.be32()
    }

    func slice(_ range: Range<Int>) throws -> UnsafeRawBufferPointer {
        guard range.lowerBound >= 0, range.upperBound <= count else { throw FormatError("section \(range) past end \(count)") }
        return UnsafeRawBufferPointer(rebasing: self[range])
    }
}
