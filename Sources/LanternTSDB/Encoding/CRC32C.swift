/// CRC-32C (Castagnoli polynomial, reflected 0x82F63B78): the checksum of every
/// Prometheus TSDB file. zlib's crc32 uses the IEEE polynomial and would not match.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The register before any byte; `finish` turns a register into the checksum.
    static let start: UInt32 = 0xFFFF_FFFF

    /// Feeds `bytes` into a running register, for sections written in several pieces.
    static func update(_ register: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = register
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }

    static func finish(_ register: UInt32) -> UInt32 { register ^ 0xFFFF_FFFF }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 { finish(update(start, bytes)) }

    static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return crc }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }
}
