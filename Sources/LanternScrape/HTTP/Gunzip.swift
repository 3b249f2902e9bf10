import CZlib

/// gzip decoding of a scrape body (zlib with gzip/zlib header auto-detection).
enum Gunzip {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "gzip: zlib error \(code)" }
    }

    /// Refuses to inflate beyond `limit` bytes (a zip bomb would otherwise exhaust memory).
    static func decompress(_ input: [UInt8], limit: Int = 1 << 30) throws -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 32: detect gzip or zlib headers.
        var status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure(code: status) }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(65536, input.count * 4))
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { destination -> Int in
                    stream.next_out = destination.baseAddress
                    stream.avail_out = UInt32(destination.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return destination.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END else { throw Failure(code: status) }
                output.append(contentsOf: chunk[0..<produced])
                guard output.count <= limit else { throw Failure(code: Z_BUF_ERROR) }
                if status == Z_OK && produced == 0 && stream.avail_in == 0 { throw Failure(code: Z_DATA_ERROR) }
            } while status != Z_STREAM_END
        }
        return output
    }
}
