import LanternFlags
import LanternMetrics
import LanternSupport

/// node_exporter's `netstat` collector: the protocol counters of /proc/net/netstat,
/// /proc/net/snmp and /proc/net/snmp6 whose `<Protocol>_<Field>` matches
/// `--collector.netstat.fields`, as untyped `node_netstat_<Protocol>_<Field>`.
public struct NetstatCollector: Collector {
    public struct Options: Sendable {
        public var fields: String
        public init(fields: String) { self.fields = fields }
    }

    private let paths: HostPaths
    private let fieldFilter: IncludeFilter
    private let descriptors = FieldDescriptors()
    /// The three files' layouts as last read, and the descriptor of each of their numbers
    /// (nil: not exposed, or in a section a later one replaced).
    private let layouts = LayoutCache<[MetricDescriptor?]>()

    private let recentNetstat: RecentNetstatText

    public init(paths: HostPaths, options: Options, recentNetstat: RecentNetstatText = .shared) throws {
        self.paths = paths
        self.recentNetstat = recentNetstat
        fieldFilter = try IncludeFilter(pattern: options.fields)
    }

    public func collect(into sink: MetricSink) throws {
        // The usual scrape: all three files read, and laid out as last time.
        if let texts = try? readAll(), let known = layouts.numbers(in: texts) {
            for (descriptor, value) in zip(known.derived, known.numbers) {
                if let descriptor { sink.add(descriptor, value) }
            }
            return
        }
        try collectParsing(into: sink)
    }

    /// The text of /proc/net/netstat, snmp and snmp6 (empty when IPv6 is off).
    private func readAll() throws(KernelFileError) -> [String] {
        let snmp6: String
        do {
            snmp6 = try KernelFile.read(paths.proc("net/snmp6"))
        } catch where error.isNotFound {
            snmp6 = ""
        } catch {
            throw error
        }
        return [try readNetstat(), try KernelFile.read(paths.proc("net/snmp")), snmp6]
    }

    /// /proc/net/netstat, offered to the process collector when it is this process's own
    /// (see `RecentNetstatText`).
    private func readNetstat() throws(KernelFileError) -> String {
        let text = try KernelFile.read(paths.proc("net/netstat"))
        if paths.procfs == "/proc" { recentNetstat.publish(text) }
        return text
    }

    /// Reads and parses the files in full, with the errors node_exporter gives, and
    /// remembers their layouts for the next scrape.
    private func collectParsing(into sink: MetricSink) throws {
        // Plain `var`s: the compiler crashes on a `let` assigned inside a `do` that throws.
        var netstatText = "", snmpText = "", snmp6Text = ""
        var netstat: [NetStatistics.Section] = [], snmp: [NetStatistics.Section] = [], snmp6: [NetStatistics.Section] = []
        do {
            netstatText = try readNetstat()
            netstat = try KernelFile.parse(netstatText, from: paths.proc("net/netstat"), with: NetStatistics.parsePairs)
        } catch {
            throw CollectorError("couldn't get netstats: \(error)")
        }
        do {
            snmpText = try KernelFile.read(paths.proc("net/snmp"))
            snmp = try KernelFile.parse(snmpText, from: paths.proc("net/snmp"), with: NetStatistics.parsePairs)
        } catch {
            throw CollectorError("couldn't get SNMP stats: \(error)")
        }
        do {
            snmp6Text = try KernelFile.read(paths.proc("net/snmp6"))
            snmp6 = NetStatistics.parseSNMP6(snmp6Text)
        } catch where error.isNotFound {
            // IPv6 disabled: no snmp6.
        } catch {
            throw CollectorError("couldn't get SNMP6 stats: \(error)")
        }
        let sections = NetStatistics.merging(NetStatistics.merging(netstat, snmp), snmp6)
        var exposedByProtocol: [Substring: [MetricDescriptor?]] = [:]
        for section in sections {
            let protocolName = String(section.protocolName)
            let exposed = descriptors.descriptors(list: protocolName, names: section.fields) { field in
                let key = protocolName + "_" + field
                guard fieldFilter.matches(key) else { return nil }
                return MetricDescriptor(name: "node_netstat_" + key, help: "Statistic \(protocolName)\(field).", type: .untyped)
            }
            exposedByProtocol[section.protocolName] = exposed
            for (descriptor, text) in zip(exposed, section.values) {
                // Every value must parse, exposed or not, as in node_exporter.
                guard let value = Double(text) else { throw CollectorError("invalid value \(text) in netstats") }
                if let descriptor { sink.add(descriptor, value) }
            }
        }
        let laterProtocols = [Set(snmp.map(\.protocolName)).union(snmp6.map(\.protocolName)), Set(snmp6.map(\.protocolName))]
        layouts.remember(
            [LineLayout(of: netstatText, numberFields: .everySecondLine), LineLayout(of: snmpText, numberFields: .everySecondLine),
             LineLayout(of: snmp6Text, numberFields: .second)],
            Self.pairDescriptors(netstatText, exposedByProtocol, replacedBy: laterProtocols[0])
                + Self.pairDescriptors(snmpText, exposedByProtocol, replacedBy: laterProtocols[1])
                + Self.snmp6Descriptors(snmp6Text, exposedByProtocol))
    }

    /// The descriptor of each number of a netstat/snmp file, in file order: a pair's
    /// numbers count only when it is its protocol's last pair and no later file has it.
    private static func pairDescriptors(
        _ text: String, _ exposed: [Substring: [MetricDescriptor?]], replacedBy later: Set<Substring>
    ) -> [MetricDescriptor?] {
        let headers = lines(text).filter { !trimmed($0).isEmpty }.enumerated().filter { $0.offset % 2 == 0 }.map { fields($0.element) }
        var result: [MetricDescriptor?] = []
        for (index, names) in headers.enumerated() {
            let protocolName = names[0].dropLast()
            let isLast = !headers[(index + 1)...].contains { $0[0].dropLast() == protocolName }
            let counted = isLast && !later.contains(protocolName) ? exposed[protocolName] : nil
            result += counted ?? Array(repeating: nil, count: names.count - 1)
        }
        return result
    }

    /// The same for snmp6: one number per line of two or more fields; a line's field is
    /// the next of its protocol's section (lines without a `6` belong to none).
    private static func snmp6Descriptors(_ text: String, _ exposed: [Substring: [MetricDescriptor?]]) -> [MetricDescriptor?] {
        var taken: [Substring: Int] = [:]
        var result: [MetricDescriptor?] = []
        for line in lines(text) {
            let parts = fields(line)
            guard parts.count >= 2 else { continue }
            guard let six = parts[0].utf8.firstIndex(of: UInt8(ascii: "6")) else {
                result.append(nil)
                continue
            }
            let protocolName = parts[0][..<parts[0].utf8.index(after: six)]
            let position = taken[protocolName, default: 0]
            taken[protocolName] = position + 1
            result.append(exposed[protocolName].flatMap { position < $0.count ? $0[position] : nil })
        }
        return result
    }
}

enum NetstatFlags {
    static let fields = Flag(
        "collector.netstat.fields", help: "Regexp of fields to return for netstat collector.",
        default: "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$")

    static func options(from flags: ParsedFlags) -> NetstatCollector.Options {
        NetstatCollector.Options(fields: flags.string(fields.name))
    }
}
