import Testing
@testable import LanternTSDB

/// The index is written 1 MiB at a time while a section's checksum runs across the
/// writes: a section several buffers long must carry the CRC of all of it.
@Suite struct IndexFileOutputTests {
    @Test func aChecksumSpansSectionsLargerThanTheBuffer() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/index"
        var output = try IndexFileOutput(path: path)
        try output.put { $0.putBytes([9, 9, 9]) }
        output.beginChecksum()
        // 3 MiB in uneven pieces, so buffer flushes fall inside pieces' runs.
        for piece in 0..<3_000 { try output.put { $0.putBytes((0..<1_049).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ piece) }) } }
        try output.putChecksum()
        try output.pad(to: 16)
        #expect(output.offset % 16 == 0)
        try output.close()

        let bytes = try FileSystem.readFile(path)
        let sectionEnd = 3 + 3_000 * 1_049
        #expect(bytes.count == (sectionEnd + 4 + 15) / 16 * 16)
        let stored = bytes[sectionEnd..<sectionEnd + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(stored == CRC32C.checksum(bytes[3..<sectionEnd]))
    }
}
