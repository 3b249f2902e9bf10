import LanternFlags
import LanternMetrics
import LanternSupport

/// node_exporter's `vmstat` collector: the /proc/vmstat fields matching
/// `--collector.vmstat.fields`, as untyped `node_vmstat_<field>`.
public struct VmstatCollector: Collector {
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
        let entries = try KernelFile.parse(paths.proc("vmstat"), with: VMStat.parse)
        let exposed = descriptors.descriptors(list: "vmstat", names: entries.map(\.name)) { name in
            guard fieldFilter.matches(String(name)) else { return nil }
            return MetricDescriptor(name: "node_vmstat_" + name, help: "/proc/vmstat information field \(name).", type: .untyped)
        }
        for (descriptor, entry) in zip(exposed, entries) {
            if let descriptor { sink.add(descriptor, entry.value) }
        }
    }
}

enum VmstatFlags {
    static let fields = Flag(
        "collector.vmstat.fields", help: "Regexp of fields to return for vmstat collector.", default: "^(oom_kill|pgpg|pswp|pg.*fault).*")

    static func options(from flags: ParsedFlags) -> VmstatCollector.Options {
        VmstatCollector.Options(fields: flags.string(fields.name))
    }
}
