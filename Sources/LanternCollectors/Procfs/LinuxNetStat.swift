/// One file of /proc/net/stat/ (arp_cache, nf_conntrack, ...): a header line naming the
/// columns, then one line of hexadecimal counters per CPU.
public struct LinuxNetStatFile: Sendable, Hashable {
    public var columns: [String]
    /// `perCPU[cpu][column]`.
    public var perCPU: [[UInt64]]

    public static func parse(_ text: String) throws(KernelParseError) -> LinuxNetStatFile {
        let rows = lines(text).map(fields).filter { !$0.isEmpty }
        guard let header = rows.first else { throw KernelParseError("empty file: no header line") }
        var perCPU: [[UInt64]] = []
        for (cpu, row) in rows.dropFirst().enumerated() {
            guard row.count == header.count else {
                throw KernelParseError("cpu \(cpu) has \(row.count) values for \(header.count) columns")
            }
            var values: [UInt64] = []
            for (column, text) in zip(header, row) {
                guard let value = UInt64(text, radix: 16) else {
                    throw KernelParseError("invalid \(column) \"\(text)\" for cpu \(cpu): not a hexadecimal number")
                }
                values.append(value)
            }
            perCPU.append(values)
        }
        return LinuxNetStatFile(columns: header.map(String.init), perCPU: perCPU)
    }
}
