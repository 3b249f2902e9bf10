/// /proc/net/dev: per-interface receive and transmit counters.
struct NetDevLine: Equatable {
    var name: String
    /// The 16 counters in the file's column order (see `NetDev.columns`).
    var counters: [UInt64]
}

enum NetDev {
    /// The columns after the interface name, with the names node_exporter gives them.
    static let columns = [
        "receive_bytes", "receive_packets", "receive_errors", "receive_dropped", "receive_fifo", "receive_frame",
        "receive_compressed", "receive_multicast", "transmit_bytes", "transmit_packets", "transmit_errors",
        "transmit_dropped", "transmit_fifo", "transmit_colls", "transmit_carrier", "transmit_compressed",
    ]

    /// Parses the file: two header lines, then `name: 16 numbers` per interface. The
    /// name is everything before the last colon, trimmed, as procfs splits it.
    static func parse(_ text: String) throws(KernelParseError) -> [NetDevLine] {
        var result: [NetDevLine] = []
        for line in lines(text).dropFirst(2) where !trimmed(line).isEmpty {
            guard let colon = line.lastIndex(of: ":") else {
                throw KernelParseError("invalid line \"\(line)\": no interface name")
            }
            let name = String(trimmed(line[..<colon]))
            let values = fields(line[line.index(after: colon)...])
            guard values.count == columns.count else {
                throw KernelParseError("invalid line for \(name): \(values.count) fields, expected \(columns.count)")
            }
            var counters: [UInt64] = []
            for (column, value) in zip(columns, values) {
                counters.append(try parseUInt(value, field: "\(name) \(column)"))
            }
            result.append(NetDevLine(name: name, counters: counters))
        }
        return result
    }
}
