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
        // One pass over the bytes, keys compared as bytes, tick counts parsed in place:
        // splitting into line and field arrays of strings cost ~100 K instructions a
        // parse, and a scrape parses the file twice (cpu and stat collectors).
        try forEachLine(of: text) { (line, slice) throws(KernelParseError) in try parseLine(line, slice, into: &stat) }
        return stat
    }

    /// One line: a key and its values; a key without a value is skipped.
    private static func parseLine(
        _ line: FieldCursor, _ slice: (Int, Int) -> Substring, into stat: inout ProcStat
    ) throws(KernelParseError) {
        var cursor = line
        guard let key = cursor.next(), let value = cursor.next() else { return }
        let bytes = line.bytes
        func text() -> Substring { slice(value.start, value.end) }
        if bytes.holds("btime", key) {
            stat.bootTime = try parseUInt(text(), field: "btime")
        } else if bytes.holds("intr", key) {
            stat.interruptsTotal = try parseUInt(text(), field: "intr")
        } else if bytes.holds("ctxt", key) {
            stat.contextSwitches = try parseUInt(text(), field: "ctxt")
        } else if bytes.holds("processes", key) {
            stat.processesCreated = try parseUInt(text(), field: "processes")
        } else if bytes.holds("procs_running", key) {
            stat.processesRunning = try parseUInt(text(), field: "procs_running")
        } else if bytes.holds("procs_blocked", key) {
            stat.processesBlocked = try parseUInt(text(), field: "procs_blocked")
        } else if bytes.holds("softirq", key) {
            stat.softIRQ = try parseSoftIRQ(fields(slice(line.position, line.end)))
        } else if isCPUKey(bytes, key, slice) {
            let times = try parseCPUTimes(first: value, rest: cursor, name: slice(key.start, key.end), slice)
            if key.end - key.start == 3 {
                stat.cpuTotal = times
            } else if let number = Int(slice(key.start + 3, key.end)) {
                stat.perCPU[number] = times
            } else {
                throw KernelParseError("invalid cpu name \"\(slice(key.start, key.end))\"")
            }
        }
    }

    /// Whether the key starts with `cpu`, as `Substring.hasPrefix` decides: by bytes, unless
    /// a non-ASCII byte follows, which might combine with the `u` into another character.
    private static func isCPUKey(
        _ bytes: UnsafeBufferPointer<UInt8>, _ key: (start: Int, end: Int), _ slice: (Int, Int) -> Substring
    ) -> Bool {
        guard key.end - key.start >= 3, bytes.holds("cpu", (key.start, key.start + 3)) else { return false }
        return key.end - key.start == 3 || bytes[key.start + 3] < 0x80 || slice(key.start, key.end).hasPrefix("cpu")
    }

    /// Older kernels have fewer columns (no steal, guest, guest_nice): missing ones stay 0.
    private static func parseCPUTimes(
        first: (start: Int, end: Int), rest: FieldCursor, name: Substring, _ slice: (Int, Int) -> Substring
    ) throws(KernelParseError) -> CPUTimes {
        var times = CPUTimes()
        var field: (start: Int, end: Int)? = first
        var rest = rest
        for column in columns {
            guard let (start, end) = field else { break }
            times[column] = try ticks(rest.bytes, start, end, slice, name: name) / userHZ
            field = rest.next()
        }
        return times
    }

    private static let columns = CPUTimes.Column.allCases

    /// A tick count: plain digits (what the kernel writes) are read in place, rounded as
    /// `Double` rounds them; anything else goes through `Double`'s parser.
    private static func ticks(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ slice: (Int, Int) -> Substring, name: Substring
    ) throws(KernelParseError) -> Double {
        if let value = bytes.plainDigits((start, end)) { return Double(value) }
        return try parseDouble(slice(start, end), field: "\(name) ticks")
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
