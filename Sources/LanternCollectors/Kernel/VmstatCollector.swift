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
    /// The last read's layout and each line's descriptor (nil: not exposed).
    private let layouts = LayoutCache<[MetricDescriptor?]>()

    public init(paths: HostPaths, options: Options) throws {
        self.paths = paths
        fieldFilter = try IncludeFilter(pattern: options.fields)
    }

    public func collect(into sink: MetricSink) throws {
        let path = paths.proc("vmstat")
        let text = try KernelFile.read(path)
        let values: [Double], exposed: [MetricDescriptor?]
        if let known = layouts.numbers(in: [text]) {
            values = known.numbers
            exposed = known.derived
        } else {
            let entries = try KernelFile.parse(text, from: path, with: VMStat.parse)
            values = entries.map(\.value)
            exposed = descriptors.descriptors(list: "vmstat", names: entries.map(\.name)) { name in
                guard fieldFilter.matches(String(name)) else { return nil }
                return MetricDescriptor(name: "node_vmstat_" + name, help: "/proc/vmstat information field \(name).", type: .untyped)
            }
            layouts.remember([LineLayout(of: text, numberFields: .second)], exposed)
        }
        for (descriptor, value) in zip(exposed, values) {
            if let descriptor { sink.add(descriptor, value) }
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
