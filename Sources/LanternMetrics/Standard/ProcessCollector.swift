import Glibc
import LanternSupport

/// The `process_*` self-metrics of the running process, with client_golang's names
/// and help texts, read from `/proc/self` (Linux only).
public struct ProcessCollector: Collector {
    static let cpuSeconds = MetricDescriptor(
        name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", type: .counter)
    static let openFDs = MetricDescriptor(
        name: "process_open_fds", help: "Number of open file descriptors.", type: .gauge)
    static let maxFDs = MetricDescriptor(
        name: "process_max_fds", help: "Maximum number of open file descriptors.", type: .gauge)
    static let virtualMemory = MetricDescriptor(
        name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.", type: .gauge)
    static let virtualMemoryMax = MetricDescriptor(
        name: "process_virtual_memory_max_bytes", help: "Maximum amount of virtual memory available in bytes.", type: .gauge)
    static let residentMemory = MetricDescriptor(
        name: "process_resident_memory_bytes", help: "Resident memory size in bytes.", type: .gauge)
    static let startTime = MetricDescriptor(
        name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", type: .gauge)
    static let networkReceive = MetricDescriptor(
        name: "process_network_receive_bytes_total", help: "Number of bytes received by the process over the network.", type: .counter)
    static let networkTransmit = MetricDescriptor(
        name: "process_network_transmit_bytes_total", help: "Number of bytes sent by the process over the network.", type: .counter)

    let procfs: String

    public init(procfs: String = "/proc") {
        self.procfs = procfs
    }

    public func collect(into sink: MetricSink) throws {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var problems: [String] = []

        if let stat = ProcessStat(contents: try? KernelFile.read("\(procfs)/self/stat")) {
            sink.add(Self.cpuSeconds, Double(stat.userTicks + stat.systemTicks) / ticksPerSecond)
            sink.add(Self.virtualMemory, Double(stat.virtualBytes))
            sink.add(Self.residentMemory, Double(stat.residentPages) * pageSize)
            if let bootTime = bootTimeSeconds() {
                sink.add(Self.startTime, bootTime + Double(stat.startTicks) / ticksPerSecond)
            }
        } else {
            problems.append("cannot parse \(procfs)/self/stat")
        }

        if let openFDs = try? KernelFile.entries(of: "\(procfs)/self/fd").count {
            sink.add(Self.openFDs, Double(openFDs))
        }
        if let limits = try? KernelFile.read("\(procfs)/self/limits") {
            if let maxFiles = softLimit(named: "Max open files", in: limits) { sink.add(Self.maxFDs, maxFiles) }
            if let maxAddress = softLimit(named: "Max address space", in: limits) { sink.add(Self.virtualMemoryMax, maxAddress) }
        }
        if let netstat = try? KernelFile.read("\(procfs)/self/net/netstat"),
           let octets = ipExtOctets(in: netstat) {
            sink.add(Self.networkReceive, octets.received)
            sink.add(Self.networkTransmit, octets.sent)
        }
        if !problems.isEmpty { throw CollectorError(problems.joined(separator: "; ")) }
    }

    private func bootTimeSeconds() -> Double? {
        guard let stat = try? KernelFile.read("\(procfs)/stat") else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingSpaces())
        }
        return nil
    }

    /// The soft limit of a `/proc/self/limits` row; "unlimited" is 2^64-1 as in Go's procfs.
    private func softLimit(named name: String, in limits: String) -> Double? {
        for line in limits.split(separator: "\n") where line.hasPrefix(name) {
            let fields = line.dropFirst(name.count).split(separator: " ", omittingEmptySubsequences: true)
            guard let soft = fields.first else { return nil }
            return soft == "unlimited" ? Double(UInt64.max) : Double(soft)
        }
        return nil
    }

    /// `IpExt: ... InOctets OutOctets ...` from `/proc/self/net/netstat` (a header row, then a value row).
    private func ipExtOctets(in netstat: String) -> (received: Double, sent: Double)? {
        let rows = netstat.split(separator: "\n").filter { $0.hasPrefix("IpExt:") }
        guard rows.count >= 2 else { return nil }
        let names = rows[0].split(separator: " ")
        let values = rows[1].split(separator: " ")
        guard names.count == values.count,
              let inIndex = names.firstIndex(of: "InOctets"), let outIndex = names.firstIndex(of: "OutOctets"),
              let received = Double(values[inIndex]), let sent = Double(values[outIndex]) else { return nil }
        return (received, sent)
    }
}

/// The fields of `/proc/self/stat` the process metrics need. The command name in
/// parentheses may itself contain spaces and parentheses, so fields are counted
/// after the last `)`.
struct ProcessStat {
    let userTicks: UInt64
    let systemTicks: UInt64
    let startTicks: UInt64
    let virtualBytes: UInt64
    let residentPages: Int64

    init?(contents: String?) {
        guard let contents, let close = contents.utf8.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // Fields after the command: state(3) ppid(4) ... utime(14) stime(15) ... starttime(22) vsize(23) rss(24).
        let fields = contents[contents.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Substring? {
            let index = number - 3
            return index < fields.count ? fields[index] : nil
        }
        guard let utime = field(14).flatMap({ UInt64($0) }), let stime = field(15).flatMap({ UInt64($0) }),
              let start = field(22).flatMap({ UInt64($0) }), let vsize = field(23).flatMap({ UInt64($0) }),
              let rss = field(24).flatMap({ Int64($0) }) else { return nil }
        userTicks = utime
        systemTicks = stime
        startTicks = start
        virtualBytes = vsize
        residentPages = rss
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result.removeFirst() }
        while result.last == " " || result.last == "\t" || result.last == "\n" { result.removeLast() }
        return result
    }
}
