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

    public init(paths: HostPaths, options: Options) throws {
        self.paths = paths
        fieldFilter = try IncludeFilter(pattern: options.fields)
    }

    public func collect(into sink: MetricSink) throws {
        for (name, value) in try KernelFile.parse(paths.proc("vmstat"), with: VMStat.parse) where fieldFilter.matches(name) {
            sink.add(MetricDescriptor(name: "node_vmstat_" + name, help: "/proc/vmstat information field \(name).", type: .untyped), value)
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
