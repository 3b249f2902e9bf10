import LanternSupport

/// One tape drive of /sys/class/scsi_tape (`st<n>` entries only: the `nst`, `a`, `l`, `m`
/// variants are other views of the same drive), with its `stats` counters.
public struct SCSITape: Sendable, Equatable {
    public var name: String
    public var inFlight: UInt64
    public var ioNanoseconds: UInt64
    public var otherCount: UInt64
    public var readBytes: UInt64
    public var readCount: UInt64
    public var readNanoseconds: UInt64
    public var residualCount: UInt64
    public var writeBytes: UInt64
    public var writeCount: UInt64
    public var writeNanoseconds: UInt64

    public static func readAll(classDirectory: String) throws(KernelFileError) -> [SCSITape] {
        var tapes: [SCSITape] = []
        for name in try KernelFile.entries(of: classDirectory) where isDriveName(name) {
            let stats = classDirectory + "/" + name + "/stats/"
            tapes.append(SCSITape(
                name: name, inFlight: try KernelFile.readUInt(stats + "in_flight"), ioNanoseconds: try KernelFile.readUInt(stats + "io_ns"),
                otherCount: try KernelFile.readUInt(stats + "other_cnt"), readBytes: try KernelFile.readUInt(stats + "read_byte_cnt"),
                readCount: try KernelFile.readUInt(stats + "read_cnt"), readNanoseconds: try KernelFile.readUInt(stats + "read_ns"),
                residualCount: try KernelFile.readUInt(stats + "resid_cnt"), writeBytes: try KernelFile.readUInt(stats + "write_byte_cnt"),
                writeCount: try KernelFile.readUInt(stats + "write_cnt"), writeNanoseconds: try KernelFile.readUInt(stats + "write_ns")))
        }
        return tapes
    }

    /// `^st[0-9]+$`.
    static func isDriveName(_ name: String) -> Bool {
        name.hasPrefix("st") && name.count > 2 && name.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }
    }
}
