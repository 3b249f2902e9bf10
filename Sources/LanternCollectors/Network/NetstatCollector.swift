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

    public init(paths: HostPaths, options: Options) throws {
        self.paths = paths
        fieldFilter = try IncludeFilter(pattern: options.fields)
    }

    public func collect(into sink: MetricSink) throws {
        var sections: [NetStatistics.Section]
        do {
            sections = try KernelFile.parse(paths.proc("net/netstat"), with: NetStatistics.parsePairs)
        } catch {
            throw CollectorError("couldn't get netstats: \(error)")
        }
        do {
            sections = NetStatistics.merging(sections, try KernelFile.parse(paths.proc("net/snmp"), with: NetStatistics.parsePairs))
        } catch {
            throw CollectorError("couldn't get SNMP stats: \(error)")
        }
        do {
            sections = NetStatistics.merging(sections, try KernelFile.parse(paths.proc("net/snmp6"), with: NetStatistics.parseSNMP6))
        } catch where error.isNotFound {
            // IPv6 disabled: no snmp6.
        } catch {
            throw CollectorError("couldn't get SNMP6 stats: \(error)")
        }
        for section in sections {
            let protocolName = String(section.protocolName)
            let exposed = descriptors.descriptors(list: protocolName, names: section.fields) { field in
                let key = protocolName + "_" + field
                guard fieldFilter.matches(key) else { return nil }
                return MetricDescriptor(name: "node_netstat_" + key, help: "Statistic \(protocolName)\(field).", type: .untyped)
            }
            for (descriptor, text) in zip(exposed, section.values) {
                // Every value must parse, exposed or not, as in node_exporter.
                guard let value = Double(text) else { throw CollectorError("invalid value \(text) in netstats") }
                if let descriptor { sink.add(descriptor, value) }
            }
        }
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
