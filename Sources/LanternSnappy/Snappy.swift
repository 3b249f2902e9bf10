import CSnappy

/// Snappy's block format (not the framed stream format), as remote write 1.0 bodies use it.
public enum Snappy {
    public struct DecodeError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var length = snappy_max_compressed_length(input.count)
        var output = [UInt8](repeating: 0, count: length)
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                snappy_compress(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                    target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        // Only a too-small output buffer fails, and max_compressed_length rules that out.
        precondition(status == SNAPPY_OK, "snappy_compress failed")
        output.removeSubrange(length...)
        return output
    }

    /// Decodes a block, refusing one that claims to expand past `maximumLength` before
    /// allocating for it: the length is the block's own header, chosen by the sender.
    public static func decompress(_ input: [UInt8], maximumLength: Int) throws(DecodeError) -> [UInt8] {
        var length = 0
        let headerStatus = input.withUnsafeBytes { source in
            snappy_uncompressed_length(source.baseAddress?.assumingMemoryBound(to: CChar.self), input.count, &length)
        }
        guard headerStatus == SNAPPY_OK else { throw DecodeError(description: "snappy: corrupt input") }
        guard length <= maximumLength else {
            throw DecodeError(description: "snappy: decoded length \(length) exceeds the limit of \(maximumLength) bytes")
        }
        var output = [UInt8](repeating: 0, count: length)
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                snappy_uncompress(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                    target.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        guard status == SNAPPY_OK else { throw DecodeError(description: "snappy: corrupt input") }
        return output
    }
}
