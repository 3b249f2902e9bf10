/// Time a CPU spent in each mode, in seconds (converted from USER_HZ ticks).
public struct CPUTimes: Sendable, Hashable {
    public var user = 0.0, nice = 0.0, system = 0.0, idle = 0.0, iowait = 0.0
    public var irq = 0.0, softirq = 0.0, steal = 0.0, guest = 0.0, guestNice = 0.0

    public init() {}

    /// The columns of a `cpu` line of /proc/stat, in kernel order.
    public enum Column: CaseIterable, Sendable {
        case user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice
    }

    /// One column's time, through a switch: a key path cost ~400 instructions an access,
    /// and a scrape made ~100 of them.
    public subscript(_ column: Column) -> Double {
        get {
            switch column {
            case .user: user
            case .nice: nice
            case .system: system
            case .idle: idle
            case .iowait: iowait
            case .irq: irq
            case .softirq: softirq
            case .steal: steal
            case .guest: guest
            case .guestNice: guestNice
            }
        }
        set {
            switch column {
            case .user: user = newValue
            case .nice: nice = newValue
            case .system: system = newValue
            case .idle: idle = newValue
            case .iowait: iowait = newValue
            case .irq: irq = newValue
            case .softirq: softirq = newValue
            case .steal: steal = newValue
            case .guest: guest = newValue
            case .guestNice: guestNice = newValue
            }
        }
    }
}

/// Counts of the `softirq` line of /proc/stat.
public struct SoftIRQCounts: Sendable, Hashable {
    /// Vector names in the kernel's column order (`softirq_to_name`), as node_exporter labels them.
    public static let vectorNames = ["hi", "timer", "net_tx", "net_rx", "block", "block_iopoll", "tasklet", "sched", "hrtimer", "rcu"]
    public var total: UInt64 = 0
    /// One count per entry of `vectorNames`.
    public var perVector = [UInt64](repeating: 0, count: vectorNames.count)
    public init() {}
}

/// /proc/stat. Fields the file lacks stay 0, as in procfs (node_exporter exposes them as 0).
public struct ProcStat: Sendable, Hashable {
    public var cpuTotal = CPUTimes()
    /// By CPU number (`cpu3` -> 3).
    public var perCPU: [Int: CPUTimes] = [:]
    public var bootTime: UInt64 = 0
    public var interruptsTotal: UInt64 = 0
    public var contextSwitches: UInt64 = 0
    public var processesCreated: UInt64 = 0
    public var processesRunning: UInt64 = 0
    public var processesBlocked: UInt64 = 0
    public var softIRQ = SoftIRQCounts()

    public init() {}

    /// Kernel ticks per second for /proc/stat: USER_HZ is 100 on every Linux ABI.
    static let userHZ = 100.0

    public static func parse(_ text: String) throws(KernelParseError) -> ProcStat {
        var stat = ProcStat()
        for line in lines(text) {
            // Most lines need their first two fields; the intr line has hundreds.
            let parts = leadingFields(line, limit: 2)
            guard parts.count >= 2 else { continue }
            let key = parts[0]
            switch key {
            case "btime": stat.bootTime = try parseUInt(parts[1], field: "btime")
            case "intr": stat.interruptsTotal = try parseUInt(parts[1], field: "intr")
            case "ctxt": stat.contextSwitches = try parseUInt(parts[1], field: "ctxt")
            case "processes": stat.processesCreated = try parseUInt(parts[1], field: "processes")
            case "procs_running": stat.processesRunning = try parseUInt(parts[1], field: "procs_running")
            case "procs_blocked": stat.processesBlocked = try parseUInt(parts[1], field: "procs_blocked")
            case "softirq": stat.softIRQ = try parseSoftIRQ(fields(line))
            default:
                guard key.hasPrefix("cpu") else { continue }
                let times = try parseCPUTimes(fields(line))
                if key == "cpu" {
                    stat.cpuTotal = times
                } else if let number = Int(key.dropFirst(3)) {
                    stat.perCPU[number] = times
                } else {
                    throw KernelParseError("invalid cpu name \"\(key)\"")
                }
            }
        }
        return stat
    }

    /// Older kernels have fewer columns (no steal, guest, guest_nice): missing ones stay 0.
    private static func parseCPUTimes(_ parts: [Substring]) throws(KernelParseError) -> CPUTimes {
        var times = CPUTimes()
        for (column, text) in zip(CPUTimes.Column.allCases, parts.dropFirst()) {
            times[column] = try parseDouble(text, field: "\(parts[0]) ticks") / userHZ
        }
        return times
    }

    private static func parseSoftIRQ(_ parts: [Substring]) throws(KernelParseError) -> SoftIRQCounts {
        let vectorCount = SoftIRQCounts.vectorNames.count
        guard parts.count >= 2 + vectorCount else {
            throw KernelParseError("softirq line has \(parts.count - 1) counts, expected \(1 + vectorCount)")
        }
        var counts = SoftIRQCounts()
        counts.total = try parseUInt(parts[1], field: "softirq total")
        for index in 0..<vectorCount {
            counts.perVector[index] = try parseUInt(parts[2 + index], field: "softirq \(SoftIRQCounts.vectorNames[index])")
        }
        return counts
    }
}
