import LanternFlags
import LanternMetrics
import LanternSupport

/// node_exporter's `interrupts` collector: per-CPU counts of /proc/interrupts as
/// `node_interrupts_total{cpu,type,info,devices}`.
public struct InterruptsCollector: Collector {
    public struct Options: Sendable {
        /// `--collector.interrupts.name-include` / `name-exclude`, matched on the interrupt name (`0`, `LOC`).
        public var nameInclude: String
        public var nameExclude: String
        /// `--collector.interrupts.include-zeros`.
        public var includeZeros: Bool

        public init(nameInclude: String = "", nameExclude: String = "", includeZeros: Bool = true) {
            self.nameInclude = nameInclude
            self.nameExclude = nameExclude
            self.includeZeros = includeZeros
        }
    }

    static let interrupts = MetricDescriptor(
        name: "node_interrupts_total", help: "Interrupt details.", type: .counter, labels: ["cpu", "type", "info", "devices"])

    private let paths: HostPaths
    private let nameFilter: DeviceFilter
    private let includeZeros: Bool

    public init(paths: HostPaths, options: Options) throws {
        self.paths = paths
        nameFilter = try DeviceFilter(exclude: options.nameExclude, include: options.nameInclude)
        includeZeros = options.includeZeros
    }

    public func collect(into sink: MetricSink) throws {
        let lines: [InterruptLine]
        do {
            lines = try KernelFile.parse(paths.proc("interrupts"), with: Interrupts.parse)
        } catch {
            throw CollectorError("couldn't get interrupts: \(error)")
        }
        for line in lines where !nameFilter.ignores(line.name) {
            for (cpu, text) in line.perCPU.enumerated() {
                guard let value = Double(text) else { throw CollectorError("invalid value \(text) in interrupts") }
                if !includeZeros && value == 0 { continue }
                sink.add(Self.interrupts, value, String(cpu), line.name, line.info, line.devices)
            }
        }
    }
}

enum InterruptsFlags {
    static let nameInclude = Flag(
        "collector.interrupts.name-include",
        help: "Regexp of interrupts name to include (mutually exclusive to --collector.interrupts.name-exclude).")
    static let nameExclude = Flag(
        "collector.interrupts.name-exclude",
        help: "Regexp of interrupts name to exclude (mutually exclusive to --collector.interrupts.name-include).")
    static let includeZeros = Flag(
        "collector.interrupts.include-zeros", help: "Include interrupts that have a zero value", kind: .bool, default: "true")
    static let all = [nameInclude, nameExclude, includeZeros]

    static func options(from flags: ParsedFlags) -> InterruptsCollector.Options {
        InterruptsCollector.Options(
            nameInclude: flags.string(nameInclude.name), nameExclude: flags.string(nameExclude.name),
            includeZeros: flags.bool(includeZeros.name))
    }
}
