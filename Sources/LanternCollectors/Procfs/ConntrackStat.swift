/// /proc/net/stat/nf_conntrack: a header naming the columns, then one line of
/// hexadecimal counters per CPU. Columns are found by name, so kernels that add or drop
/// columns still parse; a column a kernel lacks reads as 0.
enum ConntrackStat {
    static func parse(_ text: String) throws(KernelParseError) -> [String: UInt64] {
        let allLines = lines(text).filter { !trimmed($0).isEmpty }
        guard let header = allLines.first.map(fields) else { throw KernelParseError("no header line") }
        var totals: [String: UInt64] = [:]
        for line in allLines.dropFirst() {
            let values = fields(line)
            guard values.count == header.count else {
                throw KernelParseError("invalid conntrackstat entry, invalid number of fields: \(values.count), header has \(header.count)")
            }
            for (name, value) in zip(header, values) {
                guard let number = UInt64(value, radix: 16) else {
                    throw KernelParseError("invalid \(name) \"\(value)\": not a hexadecimal number")
                }
                totals[String(name), default: 0] &+= number
            }
        }
        return totals
    }
}
