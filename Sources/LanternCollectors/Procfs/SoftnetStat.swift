/// /proc/net/softnet_stat: one line of hexadecimal counters per CPU.
struct SoftnetCPU: Equatable {
    var processed: UInt64 = 0
    var dropped: UInt64 = 0
    var timeSqueezed: UInt64 = 0
    var cpuCollision: UInt64 = 0
    var receivedRPS: UInt64 = 0
    var flowLimitCount: UInt64 = 0
    var backlogLength: UInt64 = 0
    /// The CPU number: column 13 on kernels that print it (5.10+), else the line number.
    var index: UInt64 = 0
}

enum SoftnetStat {
    static let minimumColumns = 9

    static func parse(_ text: String) throws(KernelParseError) -> [SoftnetCPU] {
        var result: [SoftnetCPU] = []
        for line in lines(text) {
            let columns = fields(line)
            if columns.isEmpty { continue }
            guard columns.count >= minimumColumns else {
                throw KernelParseError("\(columns.count) columns were detected, but at least \(minimumColumns) were expected")
            }
            func hex(_ position: Int, _ name: String) throws(KernelParseError) -> UInt64 {
                guard position < columns.count else { return 0 }
                guard let value = UInt32(columns[position], radix: 16) else {
                    throw KernelParseError("invalid \(name) \"\(columns[position])\": not a hexadecimal number")
                }
                return UInt64(value)
            }
            var cpu = SoftnetCPU()
            cpu.processed = try hex(0, "processed")
            cpu.dropped = try hex(1, "dropped")
            cpu.timeSqueezed = try hex(2, "time_squeezed")
            cpu.cpuCollision = try hex(8, "cpu_collision")
            cpu.receivedRPS = try hex(9, "received_rps")
            cpu.flowLimitCount = try hex(10, "flow_limit_count")
            if columns.count >= 13 {
                cpu.backlogLength = try hex(11, "softnet_backlog_len")
                cpu.index = try hex(12, "index")
            } else {
                cpu.index = UInt64(result.count)
            }
            result.append(cpu)
        }
        return result
    }
}
