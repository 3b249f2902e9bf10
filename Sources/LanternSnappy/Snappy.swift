import CSnappy

/// Snappy's block format (not the framed stream format), as remote write 1.0 bodies and
/// Prometheus' compressed WAL records use it.
public enum Snappy {
    public struct DecodeError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { compress($0) }
    }

    public static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var length = snappy_max_compressed_length(input.count)
        return [UInt8](unsafeUninitializedCapacity: length) { output, initialized in
            let status = snappy_compress(
                input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: CChar.self), &length)
            // Only a too-small output buffer fails, and max_compressed_length rules that out.
            precondition(status == SNAPPY_OK, "snappy_compress failed")
            initialized = length
        }
    }

    public static func decompress(_ input: [UInt8], maximumLength: Int) throws(DecodeError) -> [UInt8] {
        try input.withUnsafeBytes { bytes in
            Result { () throws(DecodeError) in try decompress(bytes, maximumLength: maximumLength) }
        }.get()
    }

    /// Decodes a block, refusing one that claims to expand past `maximumLength` before
    /// allocating for it: the length is the block's own header, chosen by its writer.
    public static func decompress(_ input: UnsafeRawBufferPointer, maximumLength: Int) throws(DecodeError) -> [UInt8] {
        let source = input.baseAddress?.assumingMemoryBound(to: CChar.self)
        var length = 0
        guard snappy_uncompressed_length(source, input.count, &length) == SNAPPY_OK else {
            throw DecodeError(description: "snappy: corrupt input")
        }
        guard length <= maximumLength else {
            throw DecodeError(description: "snappy: decoded length \(length) exceeds the limit of \(maximumLength) bytes")
        }
        var status = SNAPPY_OK
        // Capacity at least 1: an empty block still needs a buffer address to be checked.
        let output = [UInt8](unsafeUninitializedCapacity: max(1, length)) { target, initialized in
            status = snappy_uncompress(source, input.count, UnsafeMutableRawPointer(target.baseAddress!).assumingMemoryBound(to: CChar.self), &length)
            initialized = status == SNAPPY_OK ? length : 0
        }
        guard status == SNAPPY_OK else { throw DecodeError(description: "snappy: corrupt input") }
        return output
    }
}
