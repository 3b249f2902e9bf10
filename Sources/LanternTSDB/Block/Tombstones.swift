/// The `tombstones` file: magic 0x0130BA30, version 1, tombstone entries, CRC-32C of
/// the entries. Lantern has no delete API, so it always writes the empty file
/// Prometheus expects and refuses blocks whose tombstones it could not honour.
enum Tombstones {
    static let magic: UInt32 = 0x0130_BA30

    static func writeEmpty(path: String) throws {
        var out = ByteEncoder()
        out.putBE32(magic)
        out.putByte(1)
        out.putChecksum(from: out.count)
        try FileSystem.writeFile(path, out.bytes)
    }

    /// True when the file holds no tombstone (a missing file counts as empty).
    static func isEmpty(path: String) throws -> Bool {
        guard FileSystem.exists(path) else { return true }
        let bytes = try FileSystem.readFile(path)
        guard bytes.count >= 9, try bytes.withUnsafeBytes({ try $0.readBE32(at: 0) }) == magic else {
            throw FormatError("\(path): not a tombstones file")
        }
        return bytes.count == 9
    }
}
