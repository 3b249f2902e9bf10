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
    /// The start time does not change: read once, not on every scrape.
    private let startTimeSeconds: Double?
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    /// The netstat collector's read of this scrape, when procfs is this process's own.
    private let recentNetstat: RecentNetstatText?

    public init(procfs: String = "/proc", recentNetstat: RecentNetstatText = .shared) {
        self.procfs = procfs
        self.recentNetstat = procfs == "/proc" ? recentNetstat : nil
        let stat = ProcessStat(contents: try? KernelFile.read("\(procfs)/self/stat"))
        let bootTime = (try? KernelFile.read("\(procfs)/stat")).flatMap { Self.value(after: "btime", in: $0) }
        if let stat, let bootTime {
            startTimeSeconds = bootTime + Double(stat.startTicks) / ticksPerSecond
        } else {
            startTimeSeconds = nil
        }
    }

    public func collect(into sink: MetricSink) throws {
        guard let stat = ProcessStat(contents: try? KernelFile.read("\(procfs)/self/stat")) else {
            throw CollectorError("cannot parse \(procfs)/self/stat")
        }
        sink.add(Self.cpuSeconds, Double(stat.userTicks &+ stat.systemTicks) / ticksPerSecond)
        sink.add(Self.virtualMemory, Double(stat.virtualBytes))
        sink.add(Self.residentMemory, Double(stat.residentPages) * pageSize)
        if let startTimeSeconds { sink.add(Self.startTime, startTimeSeconds) }

        if let openFDs = try? KernelFile.countEntries(of: "\(procfs)/self/fd") {
            sink.add(Self.openFDs, Double(openFDs))
        }
        if let limits = try? KernelFile.read("\(procfs)/self/limits") {
            if let maxFiles = Self.softLimit(named: "Max open files", in: limits) { sink.add(Self.maxFDs, maxFiles) }
            if let maxAddress = Self.softLimit(named: "Max address space", in: limits) { sink.add(Self.virtualMemoryMax, maxAddress) }
        }
        if let netstat = recentNetstat?.take() ?? (try? KernelFile.read("\(procfs)/self/net/netstat")),
           let octets = Self.ipExtOctets(in: netstat) {
            sink.add(Self.networkReceive, octets.received)
            sink.add(Self.networkTransmit, octets.sent)
        }
    }

    /// The number after `key ` on the line starting with it (`btime 1700000000`).
    static func value(after key: String, in text: String) -> Double? {
        guard let line = line(startingWith: key + " ", in: text) else { return nil }
        return Double(line.dropFirst(key.utf8.count + 1).trimmingSpaces())
    }

    /// The soft limit of a `/proc/self/limits` row; "unlimited" is 2^64-1 as in Go's procfs.
    static func softLimit(named name: String, in limits: String) -> Double? {
        guard let line = line(startingWith: name, in: limits) else { return nil }
        var soft: Double?
        forEachField(of: line.dropFirst(name.count), separatedBy: [0x20, 0x09]) { _, field in
            soft = field.elementsEqual("unlimited".utf8) ? Double(UInt64.max) : Double(String(decoding: field, as: UTF8.self))
            return false
        }
        return soft
    }

    /// `IpExt: ... InOctets OutOctets ...` from `/proc/self/net/netstat` (a header row, then a value row).
    static func ipExtOctets(in netstat: String) -> (received: Double, sent: Double)? {
        guard let header = line(startingWith: "IpExt: ", in: netstat) else { return nil }
        let valuesStart = netstat.utf8.index(after: header.endIndex)
        guard valuesStart < netstat.endIndex,
              let values = line(startingWith: "IpExt: ", in: netstat[valuesStart...]) else { return nil }
        var names = 0, inIndex: Int?, outIndex: Int?
        forEachField(of: header, separatedBy: [0x20]) { position, name in
            names += 1
            if inIndex == nil && name.elementsEqual("InOctets".utf8) { inIndex = position }
            if outIndex == nil && name.elementsEqual("OutOctets".utf8) { outIndex = position }
            return true
        }
        var numbers = 0, received: Double?, sent: Double?
        forEachField(of: values, separatedBy: [0x20]) { position, number in
            numbers += 1
            if position == inIndex { received = Double(String(decoding: number, as: UTF8.self)) }
            if position == outIndex { sent = Double(String(decoding: number, as: UTF8.self)) }
            return true
        }
        guard names == numbers, let received, let sent else { return nil }
        return (received, sent)
    }

    /// The first line of `text` that starts with `prefix`, found byte-wise over the
    /// contiguous bytes (the generic `firstIndex(of:)` on a UTF-8 view cost ~10
    /// instructions a byte, and /proc/self/net/netstat is scanned twice per scrape).
    private static func line<Text: StringProtocol>(startingWith prefix: String, in text: Text) -> Substring? where Text.SubSequence == Substring {
        var prefix = prefix
        let found = prefix.withUTF8 { wanted in
            text.utf8.withContiguousStorageIfAvailable { bytes -> Range<Int>? in
                var start = 0
                while start < bytes.count {
                    var end = start
                    while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                    if end - start >= wanted.count && (0..<wanted.count).allSatisfy({ bytes[start + $0] == wanted[$0] }) {
                        return start..<end
                    }
                    start = end + 1
                }
                return nil
            }
        }
        // Text read from a file is contiguous; any other is copied once.
        guard let found else { return line(startingWith: prefix, in: String(text)) }
        guard let range = found else { return nil }
        let utf8 = text.utf8
        return text[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]
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
        var utime: UInt64?, stime: UInt64?, start: UInt64?, vsize: UInt64?, rss: Int64?
        forEachField(of: contents[contents.utf8.index(after: close)...], separatedBy: [0x20]) { position, field in
            func text() -> String { String(decoding: field, as: UTF8.self) }
            switch position + 3 {
            case 14: utime = UInt64(text())
            case 15: stime = UInt64(text())
            case 22: start = UInt64(text())
            case 23: vsize = UInt64(text())
            case 24: rss = Int64(text())
            default: break
            }
            return position + 3 < 24
        }
        guard let utime, let stime, let start, let vsize, let rss else { return nil }
        userTicks = utime
        systemTicks = stime
        startTicks = start
        virtualBytes = vsize
        residentPages = rss
    }
}

/// Calls `body` with the position and bytes of each field of `text` (separated by runs of
/// the `separators` bytes; kernel files are ASCII) until it returns false: in place, where
/// splitting into an array of substrings cost more than the rest of the process metrics.
func forEachField(of text: Substring, separatedBy separators: [UInt8], _ body: (Int, UnsafeBufferPointer<UInt8>) -> Bool) {
    let walked: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
        var index = 0, position = 0
        while index < bytes.count {
            while index < bytes.count && separators.contains(bytes[index]) { index += 1 }
            guard index < bytes.count else { return }
            let start = index
            while index < bytes.count && !separators.contains(bytes[index]) { index += 1 }
            guard body(position, UnsafeBufferPointer(rebasing: bytes[start..<index])) else { return }
            position += 1
        }
    }
    // Text read from a file is contiguous; any other is copied once.
    if walked == nil { forEachField(of: Substring(String(text)), separatedBy: separators, body) }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result.removeFirst() }
        while result.last == " " || result.last == "\t" || result.last == "\n" { result.removeLast() }
        return result
    }
}
